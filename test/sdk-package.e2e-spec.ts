import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './support/orion/orion-process.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';

const run = promisify(execFile);
const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');

/**
 * A game's own project, outside the repository, written against the published API only: it
 * hosts, joins, chats and mediates with two clients and prints what it saw as one JSON line.
 */
const CONSUMER_SOURCE = `
import { OrionClient, type MediationResult } from '@orion/sdk';
import { CloseCode, decodeFrame, encodeFrame } from '@orion/protocol';

const url = process.argv[2];
const host = await OrionClient.connect({ url, localAddress: '127.0.0.1' });
const guest = await OrionClient.connect({ url, localAddress: '127.0.0.1' });
const { lobbyId } = await host.host({ hostName: 'Alice', lobbyName: 'Scratch', isPublic: false });
const joined = await guest.join(lobbyId, 'Bob');
const heard = guest.next('lobby_messaging_received');
host.chat('hello from a packed sdk');
const chat = await heard;
const results: MediationResult[] = await Promise.all([
  host.mediate({ punchTimeoutMs: 3000 }),
  guest.mediate({ punchTimeoutMs: 3000 }),
  host.startMediation(),
]).then(([a, b]) => [a, b]);
const roundTrip = decodeFrame(encodeFrame('ping', { n: 1 }));
console.log(JSON.stringify({
  members: joined.lobbyMembers,
  chat: chat.message.message,
  peers: results.map((result) => result.peers.map((peer) => peer.name)),
  roundTrip,
  goingAway: CloseCode.GOING_AWAY,
}));
for (const result of results) result.socket.close();
await Promise.all([host.close(), guest.close()]);
`;

const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    outDir: 'out',
    rootDir: 'src',
    types: ['node'],
    // The scratch project installs no @types/node of its own; the repository's is the same.
    typeRoots: [join(repoRoot, 'node_modules/@types')],
  },
  include: ['src'],
};

describe('the packed SDK in a project outside the repository', () => {
  let scratch: string;
  let orion: OrionTestApp;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'orion-sdk-consumer-'));
    const packs = join(scratch, 'packs');
    mkdirSync(packs);
    // prepack builds each package, so this works on a checkout that was never built.
    await run(
      'npm',
      [
        'pack',
        '--workspace',
        '@orion/protocol',
        '--workspace',
        '@orion/sdk',
        '--pack-destination',
        packs,
      ],
      { cwd: repoRoot, timeout: 120_000 },
    );
    const game = join(scratch, 'game');
    mkdirSync(join(game, 'src'), { recursive: true });
    writeFileSync(
      join(game, 'package.json'),
      JSON.stringify({ name: 'game', private: true, type: 'module' }),
    );
    writeFileSync(join(game, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG));
    writeFileSync(join(game, 'src/main.ts'), CONSUMER_SOURCE);
    const tarballs = readdirSync(packs).map((name) => join(packs, name));
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs], {
      cwd: game,
      timeout: 120_000,
    });
    orion = await startOrion({ ptpmConnectRequestIntervalMs: 100 });
  }, 240_000);

  afterAll(async () => {
    await orion?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('packs into tarballs that hold built JavaScript and types, not sources or tests', async () => {
    const { stdout } = await run('tar', ['tzf', join(scratch, 'packs', 'orion-sdk-0.1.0.tgz')]);
    const files = stdout.trim().split('\n');
    expect(files).toContain('package/dist/index.js');
    expect(files).toContain('package/dist/index.d.ts');
    expect(files).toContain('package/README.md');
    expect(files.filter((file) => /\.ts$/.test(file) && !file.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((file) => /spec|testing/.test(file))).toEqual([]);
  });

  it('type-checks and compiles a TypeScript game against the installed packages', async () => {
    const game = join(scratch, 'game');
    const compiled = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], {
      cwd: game,
      timeout: 60_000,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? 'tsc failed' }));
    expect(compiled.stdout).toBe('');
  }, 60_000);

  it('completes a lobby flow against a running Orion: host, join, chat, mediate', async () => {
    const game = join(scratch, 'game');
    const { stdout } = await run(process.execPath, ['out/main.js', orion.httpUrl], {
      cwd: game,
      timeout: 20_000,
    });
    expect(JSON.parse(stdout)).toEqual({
      members: ['Alice', 'Bob'],
      chat: 'hello from a packed sdk',
      peers: [['Bob'], ['Alice']],
      roundTrip: { method: 'ping', payload: { n: 1 } },
      goingAway: 1001,
    });
  }, 30_000);
});
