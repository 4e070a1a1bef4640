import { existsSync } from 'node:fs';
import request from 'supertest';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { envNameOf, SETTINGS } from '../src/config/settings.js';
import { ClientPool, createLobby, joinLobby, startMediation } from './support/flows/http-flows.js';
import {
  freeTcpPort,
  freeUdpPort,
  LOOPBACK_ANY_PORTS,
  mainJs,
  READY_LINE,
  runToExitWithEnv,
  spawnOrion,
  stripAnsi,
  type OrionProcess,
} from './support/orion/orion-process.js';
import { sleep } from './support/timing.js';

const EXIT_INVALID_SETTING = 2;

/** Polls GET /ping: at log levels above info there is no ready line to wait for. */
async function waitForPing(http: string, server: OrionProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && server.running) {
    const up = await request(http)
      .get('/ping')
      .then((response) => response.text === 'pong')
      .catch(() => false);
    if (up) return;
    await sleep(50);
  }
  throw new Error(`Orion did not answer /ping. stderr: ${server.stderr}`);
}

describe('configuration: flags, then ORION_* environment variables, then defaults', () => {
  const servers: OrionProcess[] = [];
  let wsUrl = '';
  const pool = new ClientPool(() => wsUrl);

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

  function orion(args: string[], env: Record<string, string>): OrionProcess {
    const server = spawnOrion(args, env);
    servers.push(server);
    return server;
  }

  it('names every setting ORION_ plus its flag in upper snake case', () => {
    expect(SETTINGS.map((setting) => envNameOf(setting.key))).toEqual([
      'ORION_HOST',
      'ORION_HTTP_PORT',
      'ORION_UDP_PORT',
      'ORION_UDP_ADVERTISED_PORT',
      'ORION_METRICS_PORT',
      'ORION_LOG_LEVEL',
      'ORION_LOG_FORMAT',
      'ORION_PTPM_SERVER_CONNECT_TIMEOUT_MS',
      'ORION_PTPM_CONNECT_REQUEST_INTERVAL_MS',
      'ORION_PTPM_CONNECT_TIMEOUT_MS',
      'ORION_REDIS_URL',
      'ORION_REDIS_KEY_PREFIX',
      'ORION_REPLICA_TIMEOUT_MS',
      'ORION_REDIS_COMMAND_TIMEOUT_MS',
      'ORION_MAX_FRAME_BYTES',
      'ORION_MAX_BUFFERED_BYTES',
      'ORION_MAX_BODY_BYTES',
      'ORION_MAX_DATAGRAM_BYTES',
      'ORION_MAX_CLIENTS',
      'ORION_MAX_CONNECTIONS_PER_IP',
      'ORION_HEADERS_TIMEOUT_MS',
      'ORION_REQUEST_TIMEOUT_MS',
      'ORION_MAX_PENDING_CONNECTIONS',
      'ORION_MAX_PENDING_CONNECTIONS_PER_IP',
      'ORION_CHAT_RATE_PER_SECOND',
      'ORION_CHAT_BURST',
      'ORION_HTTP_RATE_LIMIT',
      'ORION_JOIN_MISS_LIMIT',
      'ORION_JOIN_MISS_LIMIT_PER_IP',
      'ORION_TRUST_PROXY',
      'ORION_ALLOWED_ORIGINS',
      'ORION_WS_HEARTBEAT_INTERVAL_MS',
      'ORION_RECONNECT_GRACE_MS',
      'ORION_SHUTDOWN_GRACE_MS',
      'ORION_RELAY_PORTS',
      'ORION_RELAY_HOST',
      'ORION_RELAY_BYTES_PER_SECOND',
      'ORION_RELAY_IDLE_TIMEOUT_MS',
      'ORION_RELAY_MAX_LIFETIME_MS',
      'ORION_RELAY_MAX_SESSIONS',
    ]);
  });

  it('--help names the environment variable of every flag', async () => {
    const result = await runToExitWithEnv({}, '--help');
    expect(result.code).toBe(0);
    const help = result.stdout.replace(/\s+/g, ' ');
    for (const setting of SETTINGS) expect(help).toContain(`env: ${envNameOf(setting.key)}`);
  });

  it('takes host, ports and the UDP-phase timers from the environment', async () => {
    const httpPort = await freeTcpPort();
    const udpPort = await freeUdpPort();
    const server = orion([], {
      ORION_HOST: '127.0.0.1',
      ORION_HTTP_PORT: String(httpPort),
      ORION_UDP_PORT: String(udpPort),
      ORION_PTPM_CONNECT_REQUEST_INTERVAL_MS: '100',
      ORION_PTPM_SERVER_CONNECT_TIMEOUT_MS: '700',
    });
    expect(await server.ready()).toEqual({ host: '127.0.0.1', httpPort, udpPort });

    const http = `http://127.0.0.1:${httpPort}`;
    wsUrl = `ws://127.0.0.1:${httpPort}`;
    const [host, member] = await pool.connectMany(2);
    const { lobbyId } = await createLobby(http, host);
    await joinLobby(http, member, lobbyId, 'Ann');
    const started = Date.now();
    await startMediation(http, host, lobbyId);
    for (let i = 0; i < 3; i++) {
      expect(await member.next('ptpMediation_send', 1_000)).toEqual({ port: udpPort });
    }
    const aborted = await member.next('ptpMediation_aborted', 3_000);
    expect(aborted.abortReason).toMatch(/UDP/);
    // 700 ms from the environment, far below the 5-minute default.
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('takes the peers-phase timeout from the environment', async () => {
    const server = orion([], {
      ORION_HOST: '127.0.0.1',
      ORION_HTTP_PORT: '0',
      ORION_UDP_PORT: '0',
      ORION_PTPM_CONNECT_TIMEOUT_MS: '500',
    });
    const { httpPort, udpPort } = await server.ready();
    const http = `http://127.0.0.1:${httpPort}`;
    wsUrl = `ws://127.0.0.1:${httpPort}`;
    const [host, member] = await pool.connectMany(2);
    const { lobbyId } = await createLobby(http, host);
    await joinLobby(http, member, lobbyId, 'Ann');
    await startMediation(http, host, lobbyId);
    for (const client of [host, member]) await client.sendUdp(udpPort);
    await member.next('ptpMediation_peersConnection_start');
    const started = Date.now();
    const aborted = await host.next('ptpMediation_aborted', 3_000);
    expect(aborted.abortReason).toMatch(/connect to its peers/);
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('--logFormat pretty and --metricsPort take effect as flags', async () => {
    const metricsPort = await freeTcpPort();
    const logAndMetrics = ['--logFormat', 'pretty', '--metricsPort', String(metricsPort)];
    const server = orion([...LOOPBACK_ANY_PORTS, ...logAndMetrics], {});
    const { httpPort } = await server.ready();
    expect(stripAnsi(server.stdout)).toMatch(/INFO: \[Orion\] Orion is serving/);
    expect(server.stdout).not.toContain('"level":30');
    expect((await request(`http://127.0.0.1:${httpPort}`).get('/metrics')).status).toBe(404);
    const metrics = await request(`http://127.0.0.1:${metricsPort}`).get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('orion_connected_clients 0');
    expect(metrics.headers['x-content-type-options']).toBe('nosniff');
    const elsewhere = await request(`http://127.0.0.1:${metricsPort}`).get('/other');
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.headers['x-content-type-options']).toBe('nosniff');
  });

  it('ORION_LOG_LEVEL=warn leaves out info lines, and ORION_LOG_FORMAT=json is the default', async () => {
    const httpPort = await freeTcpPort();
    const server = orion([], {
      ORION_HOST: '127.0.0.1',
      ORION_HTTP_PORT: String(httpPort),
      ORION_UDP_PORT: '0',
      ORION_LOG_LEVEL: 'warn',
    });
    await waitForPing(`http://127.0.0.1:${httpPort}`, server);
    expect(server.stdout).not.toMatch(READY_LINE);
    expect(server.stdout).not.toContain('"level":30');
  });

  it('--logLevel and both timeout flags take effect', async () => {
    const httpPort = await freeTcpPort();
    const server = orion(
      [
        ...['--host', '127.0.0.1', '--httpPort', String(httpPort), '--udpPort', '0'],
        ...['--logLevel', 'warn', '--ptpmServerConnectTimeoutMs', '600'],
        ...['--ptpmConnectTimeoutMs', '500'],
      ],
      {},
    );
    const http = `http://127.0.0.1:${httpPort}`;
    await waitForPing(http, server);
    wsUrl = `ws://127.0.0.1:${httpPort}`;
    const [host, member] = await pool.connectMany(2);
    const { lobbyId } = await createLobby(http, host);
    await joinLobby(http, member, lobbyId, 'Ann');

    let started = Date.now();
    await startMediation(http, host, lobbyId);
    const { port } = await member.next('ptpMediation_send');
    expect((await member.next('ptpMediation_aborted', 3_000)).abortReason).toMatch(/UDP/);
    expect(Date.now() - started).toBeLessThan(2_500);

    await startMediation(http, host, lobbyId);
    for (const client of [host, member]) await client.sendUdp(port);
    await member.next('ptpMediation_peersConnection_start');
    started = Date.now();
    expect((await member.next('ptpMediation_aborted', 3_000)).abortReason).toMatch(/peers/);
    expect(Date.now() - started).toBeLessThan(2_500);

    expect(server.stdout).not.toContain('"level":30');
  });

  it('a flag beats the environment variable of the same setting', async () => {
    const fromFlag = await freeTcpPort();
    const server = orion(['--httpPort', String(fromFlag)], {
      ORION_HOST: '127.0.0.1',
      ORION_HTTP_PORT: '1',
      ORION_UDP_PORT: '0',
    });
    const ready = await server.ready();
    expect(ready.httpPort).toBe(fromFlag);
    expect((await request(`http://127.0.0.1:${fromFlag}`).get('/ping')).text).toBe('pong');
  });

  describe.concurrent(
    'invalid values stop startup with exit code 2, naming the setting and source',
    () => {
      const badEnv: [string, string][] = [
        ['ORION_HOST', 'localhost'],
        ['ORION_HTTP_PORT', 'abc'],
        ['ORION_UDP_PORT', '65536'],
        ['ORION_METRICS_PORT', 'none'],
        ['ORION_LOG_LEVEL', 'loud'],
        ['ORION_LOG_FORMAT', 'xml'],
        ['ORION_PTPM_SERVER_CONNECT_TIMEOUT_MS', '0'],
        ['ORION_PTPM_CONNECT_REQUEST_INTERVAL_MS', '-5'],
        ['ORION_PTPM_CONNECT_TIMEOUT_MS', '1.5'],
      ];

      it.each(badEnv)('%s=%s', async (name, value) => {
        const result = await runToExitWithEnv({ [name]: value });
        expect(result.code).toBe(EXIT_INVALID_SETTING);
        const lines = stripAnsi(result.stderr)
          .split('\n')
          .filter((line) => line.trim() !== '');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(`from env '${name}'`);
        expect(stripAnsi(result.stdout)).not.toMatch(READY_LINE);
      });

      it('a bad flag value also exits 2 and names the flag', async () => {
        const result = await runToExitWithEnv({}, '--udpPort', 'seven');
        expect(result.code).toBe(EXIT_INVALID_SETTING);
        expect(result.stderr).toContain('--udpPort');
      });
    },
  );
});
