import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CloseCode } from '@orion/protocol';
import { ClientPool, createLobby } from './support/flows/mediation-flows.js';
import type { OrionTestApp } from './support/orion/orion-test-app.js';
import {
  redisServerAvailable,
  startOrionOnPrivateRedis,
  stopOrionOnPrivateRedis,
} from './support/redis/orion-on-private-redis.js';
import type { PrivateRedis } from './support/redis/private-redis.js';
import { sleep } from './support/timing.js';

const UNAVAILABLE = 'The server cannot reach its state store right now. Try again shortly.';
const hasRedis = redisServerAvailable('Redis outage test');

/** Polls until GET /readyz answers `status`. */
async function readinessBecomes(orion: OrionTestApp, status: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await request(orion.httpUrl).get('/readyz')).status !== status) {
    if (Date.now() > deadline) throw new Error(`/readyz never answered ${status}`);
    await sleep(100);
  }
}

/** Opens a WebSocket and reports how the server closed it (or that it registered). */
function connectOutcome(wsUrl: string): Promise<{ registered: boolean; closeCode?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl);
    ws.on('message', () => {
      resolve({ registered: true });
      ws.close();
    });
    ws.on('close', (code) => resolve({ registered: false, closeCode: code }));
    ws.on('error', () => undefined);
  });
}

describe.skipIf(!hasRedis)('while Redis is down', () => {
  let redis: PrivateRedis;
  let orion: OrionTestApp;
  const pool = new ClientPool();

  beforeAll(async () => {
    ({ redis, orion } = await startOrionOnPrivateRedis({
      redisKeyPrefix: '{outage}:',
      replicaTimeoutMs: 1_000,
    }));
  });

  afterAll(async () => {
    await pool.closeAll();
    await stopOrionOnPrivateRedis({ redis, orion });
  });

  it('answers 503 with {errors}, is not ready, survives, and recovers when Redis returns', async () => {
    const host = await pool.connect(orion);
    const hostClosed = new Promise<number>((resolve) => host.ws.once('close', resolve));
    expect((await createLobby(orion, host, 'Host')).status).toBe(201);
    await readinessBecomes(orion, 200);

    await redis.stop();

    const create = await createLobby(orion, host, 'Again');
    expect(create.status).toBe(503);
    expect(create.body).toEqual({ errors: [UNAVAILABLE] });
    const list = await request(orion.httpUrl).get('/lobbies');
    expect(list.status).toBe(503);
    expect(list.body).toEqual({ errors: [UNAVAILABLE] });
    const ready = await request(orion.httpUrl).get('/readyz');
    expect(ready.status).toBe(503);
    expect(JSON.stringify(ready.body)).toContain('Redis does not answer');
    expect(await connectOutcome(orion.wsUrl)).toEqual({
      registered: false,
      closeCode: CloseCode.TRY_AGAIN_LATER,
    });
    // Chat from a connected client is dropped; its socket stays, the process stays.
    host.send('lobby_messaging_send', { token: host.token, lobbyId: 'ABCDE', message: 'hi' });
    await sleep(100);
    expect(host.isOpen).toBe(true);
    expect((await request(orion.httpUrl).get('/healthz')).status).toBe(200);
    expect((await request(orion.httpUrl).get('/ping')).text).toBe('pong');

    await redis.start();
    await readinessBecomes(orion, 200);
    // Redis came back empty, so the host's client is gone from it: the replica asks its
    // clients to reconnect (1012) rather than serve sockets whose state was lost.
    expect(await hostClosed).toBe(1012);
    const newcomer = await pool.connect(orion);
    const created = await createLobby(orion, newcomer, 'Newcomer');
    expect(created.status).toBe(201);
    expect((await request(orion.httpUrl).get('/lobbies')).body.lobbies).toEqual([
      expect.objectContaining({ id: created.body.lobbyId, currentMembers: 1 }),
    ]);
    expect(orion.logger.text).not.toContain(host.token);
  });
});
