import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClientPool, createLobby, joinLobby, postStart } from './support/flows/mediation-flows.js';
import { metricValue } from './support/orion/metrics.js';
import type { OrionTestApp } from './support/orion/orion-test-app.js';
import {
  redisServerAvailable,
  startOrionOnPrivateRedis,
  stopOrionOnPrivateRedis,
} from './support/redis/orion-on-private-redis.js';
import type { PrivateRedis } from './support/redis/private-redis.js';
import type { TestClient } from './support/clients/test-client.js';
import { sleep, waitUntil } from './support/timing.js';

const UNAVAILABLE = 'The server cannot reach its state store right now. Try again shortly.';
const COMMAND_TIMEOUT_MS = 300;
/** What a busy 2-core machine may add to the timeout before an answer leaves. */
const SLACK_MS = 700;
const REMINDER_INTERVAL_MS = 100;
const hasRedis = redisServerAvailable('Redis stall test');

/** Times a request; resolves with its response and how long it took. */
async function timed(send: () => Promise<request.Response>) {
  const started = Date.now();
  const response = await send();
  return { response, ms: Date.now() - started };
}

/** Arrival times of every `method` message the client receives from now on. */
function arrivals(client: TestClient, method: string): number[] {
  const times: number[] = [];
  client.ws.on('message', (data) => {
    if (data.toString().startsWith(`${method}:`)) times.push(Date.now());
  });
  return times;
}

/** The most arrivals within any window of `windowMs`. */
function densest(times: number[], windowMs: number): number {
  let most = 0;
  for (let i = 0; i < times.length; i++) {
    const inWindow = times.filter((t) => t >= times[i] && t < times[i] + windowMs).length;
    most = Math.max(most, inWindow);
  }
  return most;
}

describe.skipIf(!hasRedis)('while Redis stalls with its connection open', () => {
  let redis: PrivateRedis;
  let orion: OrionTestApp;
  const pool = new ClientPool();

  beforeAll(async () => {
    ({ redis, orion } = await startOrionOnPrivateRedis({
      redisKeyPrefix: '{stall}:',
      redisCommandTimeoutMs: COMMAND_TIMEOUT_MS,
      ptpmConnectRequestIntervalMs: REMINDER_INTERVAL_MS,
      ptpmServerConnectTimeoutMs: 30_000,
    }));
  });

  afterEach(async () => {
    redis.resume();
    await pool.closeAll();
  });

  afterAll(async () => {
    await stopOrionOnPrivateRedis({ redis, orion });
  });

  it('answers HTTP 503 {errors} within the command timeout, drops and counts chat, and recovers', async () => {
    const host = await pool.connect(orion);
    const guest = await pool.connect(orion);
    const created = await createLobby(orion, host, 'Host');
    expect(created.status).toBe(201);
    const lobbyId = created.body.lobbyId as string;

    redis.pause();
    const create = await timed(() => createLobby(orion, guest, 'Guest'));
    const list = await timed(() => request(orion.httpUrl).get('/lobbies'));
    const join = await timed(() => joinLobby(orion, guest, lobbyId, 'Guest'));
    host.send('lobby_messaging_send', { token: host.token, lobbyId, message: 'anyone?' });
    await sleep(COMMAND_TIMEOUT_MS + 100);
    console.log(
      `redis stall: create ${create.response.status} in ${create.ms} ms, list ` +
        `${list.response.status} in ${list.ms} ms, join ${join.response.status} in ${join.ms} ms`,
    );
    for (const { response, ms } of [create, list, join]) {
      expect(response.status).toBe(503);
      expect(response.body).toEqual({ errors: [UNAVAILABLE] });
      expect(ms).toBeLessThan(COMMAND_TIMEOUT_MS + SLACK_MS);
    }
    redis.resume();

    // The chat line was dropped, not queued for later, and counted.
    await sleep(200);
    expect(host.methods).not.toContain('lobby_messaging_received');
    expect(await metricValue(orion, 'orion_ws_frames_total{result="store_unavailable"}')).toBe(1);
    // Everything works again, and the stall was too short to cost the replica its clients.
    // A newcomer joins: the guest's own create and join went out as writes, which Redis may
    // still have applied once it answered (a 503 says the outcome is unknown).
    const newcomer = await pool.connect(orion);
    expect((await joinLobby(orion, newcomer, lobbyId, 'Newcomer')).status).toBe(200);
    expect((await request(orion.httpUrl).get('/readyz')).status).toBe(200);
    expect(host.isOpen).toBe(true);
    expect(orion.logger.text).not.toContain(host.token);
    expect(orion.logger.text).not.toContain(guest.token);
  });

  it('sends no burst of reminders when a stall ends, and the mediation goes on', async () => {
    const host = await pool.connect(orion);
    const member = await pool.connect(orion);
    const lobbyId = (await createLobby(orion, host, 'Host')).body.lobbyId as string;
    expect((await joinLobby(orion, member, lobbyId, 'Member')).status).toBe(200);
    const reminders = arrivals(member, 'ptpMediation_send');
    expect((await postStart(orion, host, lobbyId)).status).toBe(200);
    await waitUntil(() => reminders.length >= 2, 'reminders before the stall', 5_000);

    redis.pause();
    await sleep(15 * REMINDER_INTERVAL_MS);
    const resumedAt = Date.now();
    redis.resume();
    await sleep(10 * REMINDER_INTERVAL_MS);

    const after = reminders.filter((t) => t >= resumedAt);
    console.log(
      `redis stall: ${after.length} reminders in the ${10 * REMINDER_INTERVAL_MS} ms after a ` +
        `${15 * REMINDER_INTERVAL_MS} ms stall, at most ${densest(after, 50)} within 50 ms`,
    );
    // One reminder per interval, as before the stall: no queue of them released at once.
    expect(densest(after, 50)).toBeLessThanOrEqual(2);
    expect(after.length).toBeGreaterThanOrEqual(3);
    expect(await metricValue(orion, 'orion_mediation_timer_skipped_total')).toBeGreaterThan(0);

    await host.sendUdp(orion.udpPort);
    await member.sendUdp(orion.udpPort);
    await member.next('ptpMediation_peersConnection_start');
  });

  it('still tells the lobby about a member who left during the stall', async () => {
    const host = await pool.connect(orion);
    const member = await pool.connect(orion);
    const lobbyId = (await createLobby(orion, host, 'Host')).body.lobbyId as string;
    expect((await joinLobby(orion, member, lobbyId, 'Member')).status).toBe(200);

    redis.pause();
    member.ws.terminate();
    // Longer than the command timeout: the first attempts at the clean-up fail.
    await sleep(3 * COMMAND_TIMEOUT_MS);
    redis.resume();

    await host.next('lobby_peerDisconnect');
    const list = await request(orion.httpUrl).get('/lobbies');
    expect(list.body.lobbies).toEqual([
      expect.objectContaining({ id: lobbyId, currentMembers: 1 }),
    ]);
  });
});
