import { existsSync } from 'node:fs';
import request from 'supertest';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClientPool, createLobby, joinLobby, startMediation } from './support/http-flows.js';
import {
  freeTcpPort,
  freeUdpPort,
  mainJs,
  READY_LINE,
  runToExit,
  spawnOrion,
  stripAnsi,
  type OrionProcess,
} from './support/orion-process.js';

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
        ['host', '"0.0.0.0"'],
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

    it('an unknown flag exits non-zero and names it', async () => {
      const result = await runToExit('--bogusFlag', '1');
      expect(result.code).not.toBe(0);
      expect(result.code).not.toBeNull();
      expect(result.stderr).toContain('--bogusFlag');
      expect(stripAnsi(result.stdout)).not.toMatch(READY_LINE);
    });
  });

  describe('serving', () => {
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
