import { existsSync, readFileSync } from 'node:fs';
import request from 'supertest';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClientPool, createLobby, joinLobby, startMediation } from './support/flows/http-flows.js';
import {
  freeTcpPort,
  freeUdpPort,
  LOOPBACK_ANY_PORTS,
  mainJs,
  READY_LINE,
  repoRoot,
  runToExit,
  spawnOrion,
  stripAnsi,
  type OrionProcess,
} from './support/orion/orion-process.js';
import { TEST_REDIS_URL } from './support/redis/test-redis.js';

/** Long-running servers, killed in afterEach whatever the test's outcome. */
const servers: OrionProcess[] = [];

function orion(...args: string[]): OrionProcess {
  const server = spawnOrion(args);
  servers.push(server);
  return server;
}

/** Help text with every run of whitespace collapsed, so line wrapping does not matter. */
function helpEntry(help: string, flag: string): string {
  const flat = help.replace(/\s+/g, ' ');
  const start = flat.indexOf(`--${flag} `);
  if (start === -1) return '';
  const next = flat.indexOf(' --', start + 2);
  const nextShort = flat.indexOf(' -h,', start + 2);
  const ends = [next, nextShort].filter((index) => index !== -1);
  return flat.slice(start, ends.length > 0 ? Math.min(...ends) : undefined);
}

describe('command line: node dist/main.js', () => {
  const pool = new ClientPool(() => wsUrl);
  let wsUrl = '';

  beforeAll(() => {
    if (!existsSync(mainJs)) throw new Error('dist/main.js is missing: run `npm run build` first');
  });

  afterEach(async () => {
    await pool.closeAll();
    for (const server of servers.splice(0)) {
      if (server.running) server.child.kill('SIGKILL');
      await server.exit(5_000).catch(() => undefined);
    }
  });

  describe.concurrent('--help', () => {
    it('exits 0 and lists every flag with its default', async () => {
      const result = await runToExit('--help');
      expect(result.code).toBe(0);
      const expected: [string, string][] = [
        ['host', '"::"'],
        ['httpPort', '5980'],
        ['udpPort', '5990'],
        ['ptpmServerConnectTimeoutMs', '300000'],
        ['ptpmConnectRequestIntervalMs', '10000'],
        ['ptpmConnectTimeoutMs', '300000'],
      ];
      for (const [flag, defaultValue] of expected) {
        const entry = helpEntry(result.stdout, flag);
        expect(entry, `--${flag} is listed`).not.toBe('');
        expect(entry).toContain(`default: ${defaultValue}`);
      }
    });
  });

  describe.concurrent('bad flags', () => {
    const badValues: [string[], string][] = [
      [['--httpPort', 'abc'], '--httpPort'],
      [['--httpPort', '-1'], '--httpPort'],
      [['--httpPort', '70000'], '--httpPort'],
      [['--httpPort', '1.5'], '--httpPort'],
      [['--udpPort=x'], '--udpPort'],
      [['--udpPort', '65536'], '--udpPort'],
      [['--ptpmConnectTimeoutMs', '0'], '--ptpmConnectTimeoutMs'],
      [['--ptpmServerConnectTimeoutMs=0'], '--ptpmServerConnectTimeoutMs'],
      [['--ptpmConnectRequestIntervalMs', 'soon'], '--ptpmConnectRequestIntervalMs'],
      [['--host', 'not-an-ip'], '--host'],
    ];

    it.each(badValues)(
      '%j exits non-zero with one stderr line naming the flag',
      async (args, flag) => {
        const result = await runToExit(...args);
        expect(result.code).not.toBe(0);
        expect(result.code).not.toBeNull();
        const lines = stripAnsi(result.stderr)
          .split('\n')
          .filter((line) => line.trim() !== '');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(flag);
        expect(stripAnsi(result.stdout)).not.toMatch(READY_LINE);
      },
    );

    it('an unknown flag exits 2, like a bad value, and names it', async () => {
      const result = await runToExit('--bogusFlag', '1');
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--bogusFlag');
      expect(stripAnsi(result.stdout)).not.toMatch(READY_LINE);
    });
  });

  describe.concurrent('words after orion', () => {
    // Loopback and free ports: were a server to start by mistake, it would bind nothing public.
    const strays: [string, string[]][] = [
      ['foo', ['foo', ...LOOPBACK_ANY_PORTS]],
      ['serve', ['serve', ...LOOPBACK_ANY_PORTS]],
      ['hlep', [...LOOPBACK_ANY_PORTS, 'hlep']],
      ['extra', ['--httpPort=0', '--udpPort=0', '--host=127.0.0.1', 'extra', 'words']],
    ];

    it.each(strays)('%j exits 2 with a one-line hint and starts no server', async (word, args) => {
      const result = await runToExit(...args);
      expect(result.code).toBe(2);
      expect(stripAnsi(result.stderr)).toBe(
        `orion: unknown command '${word}'. Run 'orion --help'.\n`,
      );
      expect(stripAnsi(result.stdout)).not.toMatch(READY_LINE);
    });

    it('`help` prints the same help as --help and exits 0', async () => {
      const [help, dashHelp] = await Promise.all([runToExit('help'), runToExit('--help')]);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('--httpPort <port>');
      expect(help.stdout).toBe(dashHelp.stdout);
      expect(help.stderr).toBe('');
    });

    it('`help probe` prints the help of probe and exits 0', async () => {
      const result = await runToExit('help', 'probe');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('--timeoutMs <ms>');
    });

    it.each([['--version'], ['-V']])(
      '%s prints the version from package.json and exits 0',
      async (flag) => {
        const { version } = JSON.parse(readFileSync(`${repoRoot}/package.json`, 'utf8')) as {
          version: string;
        };
        const result = await runToExit(flag);
        expect(result.code).toBe(0);
        expect(result.stdout).toBe(`${version}\n`);
        expect(result.stderr).toBe('');
      },
    );
  });

  describe('serving', () => {
    it('logs one startup line naming the HTTP, WebSocket, UDP, docs and metrics addresses and the mode', async () => {
      const metricsPort = await freeTcpPort();
      const server = orion(...LOOPBACK_ANY_PORTS, '--metricsPort', String(metricsPort));
      const { httpPort, udpPort } = await server.ready();
      const lines = stripAnsi(server.stdout)
        .split('\n')
        .filter((line) => line.includes('Orion is serving'));
      expect(lines).toHaveLength(1);
      const http = `http://127.0.0.1:${httpPort}`;
      const mode = TEST_REDIS_URL ? `redis ${new URL(TEST_REDIS_URL).host}` : 'memory';
      expect(lines[0]).toContain(
        `Orion is serving HTTP ${http}, WebSocket ws://127.0.0.1:${httpPort}, ` +
          `UDP 127.0.0.1:${udpPort}, docs ${http}/docs, ` +
          `metrics http://127.0.0.1:${metricsPort}/metrics, mode ${mode}`,
      );
      expect(lines[0]).toMatch(/"level":30|INFO/);

      // Every address it names answers.
      expect((await request(http).get('/docs')).status).toBe(200);
      expect((await request(`http://127.0.0.1:${metricsPort}`).get('/metrics')).status).toBe(200);
      wsUrl = `ws://127.0.0.1:${httpPort}`;
      await pool.connectMany(1);
    });

    it('starts with --httpPort=0 --udpPort 0 --host 127.0.0.1, answers GET /ping, and exits 0 on SIGTERM', async () => {
      const server = orion(
        '--httpPort=0',
        '--udpPort',
        '0',
        '--host',
        '127.0.0.1',
        '--ptpmConnectRequestIntervalMs=100',
      );
      const { host, httpPort, udpPort } = await server.ready();
      expect(host).toBe('127.0.0.1');
      expect(httpPort).toBeGreaterThan(0);
      expect(udpPort).toBeGreaterThan(0);

      const ping = await request(`http://127.0.0.1:${httpPort}`).get('/ping');
      expect(ping.status).toBe(200);
      expect(ping.text).toBe('pong');

      server.child.kill('SIGTERM');
      const exit = await server.exit(5_000);
      expect(exit).toEqual({ code: 0, signal: null });
    });

    it('listens on the explicit ports given as `--httpPort N --udpPort M`, and ptpMediation_send names that UDP port', async () => {
      const chosenHttp = await freeTcpPort();
      const chosenUdp = await freeUdpPort();
      const server = orion(
        '--httpPort',
        String(chosenHttp),
        '--udpPort',
        String(chosenUdp),
        '--host',
        '127.0.0.1',
        '--ptpmConnectRequestIntervalMs',
        '100',
      );
      const ready = await server.ready();
      expect(ready).toEqual({ host: '127.0.0.1', httpPort: chosenHttp, udpPort: chosenUdp });

      const http = `http://127.0.0.1:${chosenHttp}`;
      wsUrl = `ws://127.0.0.1:${chosenHttp}`;
      expect((await request(http).get('/ping')).text).toBe('pong');

      const [host, member] = await pool.connectMany(2);
      const { lobbyId } = await createLobby(http, host);
      await joinLobby(http, member, lobbyId, 'Ann');
      await startMediation(http, host, lobbyId);
      for (const client of [host, member]) {
        expect(await client.next('ptpMediation_send')).toEqual({ port: chosenUdp });
      }

      // The UDP socket really is on that port: both packets move mediation on.
      for (const client of [host, member]) await client.sendUdp(chosenUdp);
      const hostStart = await host.next('ptpMediation_peersConnection_start');
      expect(hostStart.peers).toEqual([
        expect.objectContaining({ ip: '127.0.0.1', port: await member.udpPort() }),
      ]);

      server.child.kill('SIGTERM');
      expect(await server.exit(5_000)).toEqual({ code: 0, signal: null });
    });

    it('repeats ptpMediation_send at the --ptpmConnectRequestIntervalMs it was given', async () => {
      const server = orion(
        '--httpPort=0',
        '--udpPort=0',
        '--host=127.0.0.1',
        '--ptpmConnectRequestIntervalMs=100',
      );
      const { httpPort, udpPort } = await server.ready();
      const http = `http://127.0.0.1:${httpPort}`;
      wsUrl = `ws://127.0.0.1:${httpPort}`;
      const [host, member] = await pool.connectMany(2);
      const { lobbyId } = await createLobby(http, host);
      await joinLobby(http, member, lobbyId, 'Ann');
      const started = Date.now();
      await startMediation(http, host, lobbyId);
      // The first request plus two reminders, well before the 10 s default would allow.
      for (let i = 0; i < 3; i++) {
        expect(await member.next('ptpMediation_send', 2_000)).toEqual({ port: udpPort });
      }
      expect(Date.now() - started).toBeLessThan(2_000);
    });
  });
});
