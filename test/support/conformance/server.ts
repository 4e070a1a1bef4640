/**
 * Black-box conformance tests for an Orion server, written from the protocol document
 * (orion-readme.md) plus the decided behaviours, without looking at the implementation.
 *
 * The server under test is the built binary (dist/main.js) started as a child process with short
 * mediation timers, one per spec file. All traffic goes to 127.0.0.1. The tiny client in
 * client.ts speaks the wire format `method:base64(JSON)` on its own and checks every frame the
 * server sends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { freeTcpPort, freeUdpPort } from '../orion/orion-process.js';
import { testRedisEnv } from '../redis/test-redis.js';
import { sleep, withTimeout } from '../timing.js';
import {
  HOST,
  orion,
  PEERS_CONNECT_TIMEOUT_MS,
  REQUEST_INTERVAL_MS,
  seen,
  SERVER_CONNECT_TIMEOUT_MS,
} from './run.js';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Starts the server under test before the file's tests and stops it after them; after each
 * test, closes the clients it opened and fails it if any server frame broke the wire format.
 */
export function useConformanceServer(): void {
  let server: ChildProcess | undefined;
  let serverExited = false;

  beforeAll(async () => {
    orion.httpPort = await freeTcpPort();
    orion.udpPort = await freeUdpPort();
    server = spawn(
      process.execPath,
      [
        'dist/main.js',
        '--host',
        HOST,
        '--httpPort',
        String(orion.httpPort),
        '--udpPort',
        String(orion.udpPort),
        '--ptpmConnectRequestIntervalMs',
        String(REQUEST_INTERVAL_MS),
        '--ptpmServerConnectTimeoutMs',
        String(SERVER_CONNECT_TIMEOUT_MS),
        '--ptpmConnectTimeoutMs',
        String(PEERS_CONNECT_TIMEOUT_MS),
        // The suite sends many POSTs within seconds from one address, past the default limit
        // for a public server; the limit itself is tested in http-limits.e2e-spec.ts.
        '--httpRateLimit',
        '0',
      ],
      // In the e2e-redis project the server keeps its state in Redis.
      {
        cwd: REPO_ROOT,
        env: { ...process.env, ...testRedisEnv() },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    server.stdout?.on('data', (d: Buffer) => (orion.output += d.toString('utf8')));
    server.stderr?.on('data', (d: Buffer) => (orion.output += d.toString('utf8')));
    server.on('exit', () => (serverExited = true));

    const deadline = Date.now() + 15_000;
    for (;;) {
      if (serverExited)
        throw new Error(`server exited during start-up:\n${orion.output.slice(-2000)}`);
      try {
        const res = await fetch(`http://${HOST}:${orion.httpPort}/ping`, {
          signal: AbortSignal.timeout(1000),
        });
        if (res.status === 200 && (await res.text()) === 'pong') return;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error('server did not answer GET /ping within 15 s');
      await sleep(100);
    }
  }, 20_000);

  afterEach(async () => {
    const clients = seen.openClients;
    seen.openClients = [];
    await Promise.all(clients.map((c) => c.close()));
    const violations = seen.frameViolations;
    seen.frameViolations = [];
    expect(violations, 'server frames not of the form method:base64(JSON object)').toEqual([]);
  });

  afterAll(async () => {
    await Promise.all(seen.openClients.map((c) => c.close()));
    if (server && !serverExited) {
      const exited = new Promise<void>((resolve) => server?.once('exit', () => resolve()));
      server.kill('SIGTERM');
      try {
        await withTimeout(exited, 3000, 'server exit');
      } catch {
        server.kill('SIGKILL');
      }
    }
  });
}

/**
 * The file's last test: over the file's run, all server frames were well-formed and no client
 * token reached the server's output. `minFrames` is a floor below what the file's tests always
 * receive, so that the frame check cannot pass by having checked nothing.
 */
export function itSentOnlyWellFormedFramesAndLeakedNoToken(minFrames: number): void {
  it('every server frame was text of the form method:base64(JSON object), and no token reached the server log', () => {
    expect(seen.framesChecked).toBeGreaterThan(minFrames);
    expect(seen.allFrameViolations).toEqual([]);
    const leaked = seen.tokens.filter((t) => t.length > 0 && orion.output.includes(t)).length;
    expect(leaked, 'number of client tokens found in the server output').toBe(0);
  });
}
