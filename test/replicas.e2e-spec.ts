import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  activeTimers,
  ClientPool,
  createLobby,
  joinLobby,
  listLobbies,
  postStart,
} from './support/flows/mediation-flows.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import type { Mediation } from '../src/mediation/mediation.js';
import { MediationService } from '../src/mediation/mediation.service.js';
import { settledStateViolations } from './support/orion/state-invariants.js';
import { sleep, waitUntil } from './support/timing.js';

const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) console.warn('Replica tests skipped: set REDIS_URL to run them.');

/**
 * Two replicas in this process sharing one Redis (and one key prefix), each with its own
 * HTTP, WebSocket and UDP ports: a client's socket lives on one, its requests may reach
 * the other.
 */
describe.skipIf(!REDIS_URL)('two replicas sharing one Redis', () => {
  let a: OrionTestApp;
  let b: OrionTestApp;
  const pool = new ClientPool();

  beforeAll(async () => {
    const shared = {
      redisUrl: REDIS_URL,
      redisKeyPrefix: `{orion-e2e-${randomUUID()}}:`,
      chatBurst: 100,
      // No reminders; a short UDP phase and a long peers phase (see the mediation test).
      ptpmConnectRequestIntervalMs: 60_000,
      ptpmServerConnectTimeoutMs: 2_000,
      ptpmConnectTimeoutMs: 10_000,
    };
    a = await startOrion(shared);
    b = await startOrion(shared);
  });
  afterEach(async () => {
    await pool.closeAll();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('lets a client on B join a lobby hosted on A, through either replica, and tells the host', async () => {
    const host = await pool.connect(a);
    const created = await createLobby(a, host, 'Host', { isPublic: true });
    expect(created.status).toBe(201);
    const { lobbyId } = created.body as { lobbyId: string };
    expect((await listLobbies(b)).map((lobby) => lobby.id)).toContain(lobbyId);

    const ann = await pool.connect(b);
    // Ann's socket is on B; her join goes to A.
    const joined = await joinLobby(a, ann, lobbyId, 'Ann');
    expect(joined.status).toBe(200);
    expect(await host.next('lobby_peerConnect')).toEqual({ lobbyId, peerName: 'Ann' });

    const bob = await pool.connect(a);
    expect((await joinLobby(b, bob, lobbyId, 'Bob')).status).toBe(200);
    expect(await ann.next('lobby_peerConnect')).toEqual({ lobbyId, peerName: 'Bob' });
    // B handled Bob's join; the host's socket is on A.
    expect(await host.next('lobby_peerConnect')).toEqual({ lobbyId, peerName: 'Bob' });
  });

  it('delivers chat to members on both replicas exactly once, in order', async () => {
    const host = await pool.connect(a);
    const { lobbyId } = (await createLobby(a, host, 'Host')).body as { lobbyId: string };
    const ann = await pool.connect(b);
    const bob = await pool.connect(b);
    await joinLobby(b, ann, lobbyId, 'Ann');
    await joinLobby(a, bob, lobbyId, 'Bob');

    const sent = Array.from({ length: 20 }, (_, i) => `message ${i}`);
    for (const message of sent)
      host.send('lobby_messaging_send', { token: host.token, lobbyId, message });
    for (const client of [host, ann, bob]) {
      const received: string[] = [];
      for (const _ of sent)
        received.push((await client.next('lobby_messaging_received')).message.message);
      expect(received).toEqual(sent);
    }
    await sleep(200);
    for (const client of [host, ann, bob]) {
      expect(client.all('lobby_messaging_received')).toHaveLength(sent.length);
    }
  });

  it('closes the lobby for members on the other replica when the host leaves', async () => {
    const host = await pool.connect(a);
    const { lobbyId } = (await createLobby(a, host, 'Host')).body as { lobbyId: string };
    const ann = await pool.connect(b);
    await joinLobby(b, ann, lobbyId, 'Ann');

    await host.close();
    expect(await ann.next('lobby_closed')).toEqual({ lobbyId, lobbyName: 'Host lobby' });
    expect(await settledStateViolations(a.app)).toEqual([]);
    expect(await settledStateViolations(b.app)).toEqual([]);
  });

  /** Waits until the shared store's one mediation satisfies `predicate`. */
  async function storedMediation(predicate: (m: Mediation) => boolean, what: string) {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const { mediations } = await a.app.get(MediationService).inspect();
      if (mediations.length === 1 && predicate(mediations[0])) return;
      if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
      await sleep(10);
    }
  }

  it("runs a mediation's timers on its host's replica, whichever replica moves it on", async () => {
    const host = await pool.connect(a);
    const { lobbyId } = (await createLobby(a, host, 'Host')).body as { lobbyId: string };
    const ann = await pool.connect(b);
    const bob = await pool.connect(a);
    await joinLobby(b, ann, lobbyId, 'Ann');
    await joinLobby(a, bob, lobbyId, 'Bob');
    const armed = async (replica: OrionTestApp) =>
      (await replica.app.get(MediationService).inspect()).armedLobbyIds;

    // Started through B: the UDP phase's timers run on A, which holds the host's socket.
    expect((await postStart(b, host, lobbyId)).status).toBe(200);
    for (const client of [host, ann, bob]) await client.next('ptpMediation_send');
    await waitUntil(() => activeTimers(a) === 1, "A to arm the UDP phase's timers");
    expect(await armed(b)).toEqual([]);

    // Every packet reaches B, which moves the mediation on and hands the peers phase to A.
    await host.sendUdp(b.udpPort);
    await ann.sendUdp(b.udpPort);
    await storedMediation((m) => Object.keys(m.endpoints).length === 2, 'B took two packets');
    await bob.sendUdp(b.udpPort);
    const everyone = [host, ann, bob];
    for (const client of everyone) {
      const { peers } = await client.next('ptpMediation_peersConnection_start');
      expect(peers).toHaveLength(client === host ? 2 : 1);
    }
    await sleep(2_300); // past the UDP phase's timeout, which must not end the peers phase
    for (const client of everyone) expect(client.all('ptpMediation_aborted')).toEqual([]);
    expect(await armed(a)).toEqual([lobbyId]);
    expect(await armed(b)).toEqual([]);

    // The last report reaches B, which ends the mediation; A lets its timers go at once
    // (the peers phase's timeout is 10 s away).
    for (const client of [host, bob]) {
      client.send('ptpMediation_peersConnection_success', { token: client.token });
    }
    await storedMediation((m) => m.connected.length === 2, 'A took two reports');
    ann.send('ptpMediation_peersConnection_success', { token: ann.token });
    for (const client of everyone) {
      await client.next('ptpMediation_success');
      expect(await client.next('lobby_closed')).toEqual({ lobbyId, lobbyName: 'Host lobby' });
    }
    await waitUntil(
      () => activeTimers(a) === 0,
      'A to clear the timers of a mediation B ended',
      1_000,
    );
    expect(activeTimers(b)).toBe(0);
    expect(await settledStateViolations(a.app)).toEqual([]);
  });
});
