import { existsSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freeTcpPort, freeUdpPort, mainJs, spawnOrion } from './support/orion/orion-process.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';

/** A token is 43 URL-safe characters; nothing the CLI prints may look like one. */
const TOKEN_LIKE = /[A-Za-z0-9_-]{43}/;

/** Runs `node dist/main.js ...args` to its own exit, killing it if it overstays `limitMs`. */
async function orionCli(limitMs: number, ...args: string[]) {
  const run = spawnOrion(args);
  try {
    const exit = await run.exit(limitMs);
    return { ...exit, stdout: run.stdout, stderr: run.stderr };
  } finally {
    if (run.running) run.child.kill('SIGKILL');
  }
}

describe('orion probe and orion simulate (node dist/main.js)', () => {
  let orion: OrionTestApp | undefined;

  beforeAll(() => {
    if (!existsSync(mainJs)) throw new Error('dist/main.js is missing: run `npm run build` first');
  });

  afterEach(async () => {
    await orion?.close();
    orion = undefined;
  });

  it('probe passes every check against a healthy server without the relay, reports the relay off, and exits 0', async () => {
    // A connecting phase longer than the probe's wait for a relay answer, as by default.
    orion = await startOrion({ ptpmConnectTimeoutMs: 10_000 });
    const result = await orionCli(15_000, 'probe', orion.httpUrl, '--timeoutMs', '8000');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const check of [
      'HTTP reachable',
      'WebSocket registered',
      'Lobby create/join',
      'UDP reachable',
      'Endpoint seen by Orion',
      'Hole punch and mediation',
    ]) {
      expect(result.stdout).toMatch(new RegExp(`^  ok {4}${check}: `, 'm'));
    }
    // The relay is opt-in: a server without it is information, not a failure.
    expect(result.stdout).toMatch(
      /^ {2}info {2}UDP relay: off \(no answer to ptpMediation_relay_request\): no ptpMediation_relay_allocated within 3000 ms; /m,
    );
    expect(result.stdout).toContain(`on 127.0.0.1:${orion.udpPort}`);
    expect(result.stdout).toContain('(no rewriting)');
    expect(result.stdout).toContain('Probe passed');
    expect(result.stdout).not.toMatch(TOKEN_LIKE);
  });

  it('probe names the unreachable UDP port and exits 1 within its timeout', async () => {
    // Clients are told to send to a port where nothing listens; Orion's own UDP timeout
    // is longer than the probe's, so only the probe's limit can end this.
    const closedPort = await freeUdpPort();
    orion = await startOrion({ udpAdvertisedPort: closedPort, ptpmServerConnectTimeoutMs: 60_000 });
    const result = await orionCli(10_000, 'probe', orion.httpUrl, '--timeoutMs', '2000');
    expect(result.code).toBe(1);
    const message = `UDP port ${closedPort} on host 127.0.0.1 is unreachable: no ptpMediation_peersConnection_start within 2000 ms`;
    expect(result.stderr).toContain(`orion probe: ${message}`);
    expect(result.stdout).toContain(`  FAIL  UDP reachable: ${message}`);
    expect(result.stdout).toMatch(/^ {2}ok {4}Lobby create\/join: /m);
    expect(result.stdout).toMatch(/^ {2}skip {2}Hole punch and mediation: /m);
    expect(result.stdout).toMatch(/^ {2}skip {2}UDP relay: /m);
    expect(result.stdout + result.stderr).not.toMatch(TOKEN_LIKE);
  });

  it('probe fails the HTTP check, and exits 1, when nothing listens at the URL', async () => {
    const port = await freeTcpPort();
    const result = await orionCli(
      10_000,
      'probe',
      `http://127.0.0.1:${port}`,
      '--timeoutMs',
      '2000',
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^ {2}FAIL {2}HTTP reachable: .*ECONNREFUSED/m);
    expect(result.stderr).toMatch(
      /^orion probe: Orion at http:\/\/127\.0\.0\.1:\d+ did not answer/m,
    );
  });

  it('simulate runs 3 lobbies of 3 to success and prints the summary', async () => {
    orion = await startOrion();
    const result = await orionCli(
      15_000,
      'simulate',
      '--lobbies',
      '3',
      '--members',
      '3',
      '--url',
      orion.httpUrl,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Simulated 3 lobbies of 3 clients against ${orion.httpUrl}`);
    expect(result.stdout).toMatch(/^ {2}lobbies succeeded: 3$/m);
    expect(result.stdout).toMatch(/^ {2}lobbies failed: {4}0$/m);
    expect(result.stdout).toMatch(/^ {2}clients: {11}9$/m);
    expect(result.stdout).toMatch(/^ {2}flows\/s: +\d+\.\d\d$/m);
    expect(result.stdout).not.toContain('Failure reasons');
    // Not a terminal: plain progress lines on stderr, the last one complete.
    expect(result.stderr).toMatch(/^3\/3 lobbies done, 0 failed, /m);
    expect(result.stderr).not.toContain('\x1b[');
  });

  it('simulate --dropRate 1 cuts sockets mid-flow; with a reconnection grace every cut client resumes and every lobby succeeds', async () => {
    orion = await startOrion({ reconnectGraceMs: 10_000 });
    const result = await orionCli(
      30_000,
      'simulate',
      '--lobbies',
      '3',
      '--members',
      '4',
      '--url',
      orion.httpUrl,
      '--dropRate',
      '1',
      '--dropWithinMs',
      '300',
    );
    expect(result.stdout).toMatch(/^ {2}lobbies succeeded: 3$/m);
    expect(result.code).toBe(0);
    const cut = Number(/^ {2}sockets cut: +(\d+)$/m.exec(result.stdout)?.[1]);
    const resumed = Number(/^ {2}clients resumed: +(\d+)$/m.exec(result.stdout)?.[1]);
    // A cut drawn for after its flow ended is not made; the others all resume.
    expect(cut).toBeGreaterThan(0);
    expect(resumed).toBe(cut);
    expect(result.stdout).not.toMatch(TOKEN_LIKE);
  });

  it('simulate reports grouped failures and exits 1 when lobbies fail', async () => {
    // A UDP port nobody listens on: every mediation times out on Orion's side.
    orion = await startOrion({
      udpAdvertisedPort: await freeUdpPort(),
      ptpmServerConnectTimeoutMs: 300,
    });
    const result = await orionCli(
      15_000,
      'simulate',
      '--lobbies',
      '2',
      '--members',
      '2',
      '--url',
      orion.httpUrl,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^ {2}lobbies succeeded: 0$/m);
    expect(result.stdout).toMatch(/^ {2}lobbies failed: {4}2$/m);
    expect(result.stdout).toContain(
      '  2 x mediate: MediationAbortedError: Orion aborted the mediation: Timed out waiting for every peer to send its UDP packet to the server.',
    );
  });

  it('simulate against a closed port names the URL it could not reach and reports 0.00 flows/s', async () => {
    const url = `http://127.0.0.1:${await freeTcpPort()}`;
    const result = await orionCli(
      10_000,
      'simulate',
      '--lobbies',
      '5',
      '--members',
      '2',
      '--url',
      url,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^ {2}lobbies succeeded: 0$/m);
    expect(result.stdout).toMatch(/^ {2}flows\/s: {11}0\.00$/m);
    expect(result.stdout).toContain(`  5 x connect: could not connect to ${url}: ECONNREFUSED\n`);
    expect(result.stderr).toMatch(/^5\/5 lobbies done, 5 failed, 0\.0 flows\/s$/m);
  });

  describe.concurrent('usage errors exit 2, like invalid server settings', () => {
    const cases: [string[], RegExp][] = [
      [['probe', 'http://127.0.0.1:5980', '--timeoutMs', 'soon'], /--timeoutMs/],
      [['probe', 'ftp://127.0.0.1'], /invalid url/],
      [['probe'], /missing required argument 'url'/],
      [['simulate', '--lobbies', '3'], /--members/],
      [['simulate', '--lobbies', '3', '--members', '1'], /--members/],
      [['simulate', '--lobbies', '0', '--members', '2'], /--lobbies/],
      [['simulate', '--lobbies', '1', '--members', '2', '--url', 'not a url'], /--url/],
      [['simulate', '--lobbies', '1', '--members', '2', '--bogus'], /--bogus/],
    ];
    it.each(cases)('%j', async (args, named) => {
      const result = await orionCli(10_000, ...args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(named);
      expect(result.stdout).toBe('');
    });
  });

  it('probe --help exits 0 and lists --timeoutMs', async () => {
    const result = await orionCli(10_000, 'probe', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--timeoutMs <ms>');
    expect(result.stdout).toContain('(default: 10000)');
  });
});
