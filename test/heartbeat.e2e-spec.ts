import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ABORT_REASONS } from '../src/mediation/mediation.service.js';
import {
  ClientPool,
  activeTimers,
  createLobby,
  joinLobby,
  openParty,
  postStart,
  trackServerTimers,
} from './support/flows/mediation-flows.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import { settledStateViolations, stateCounts } from './support/orion/state-invariants.js';
import { TestClient } from './support/clients/test-client.js';
import { markOf, nextSince } from './support/clients/received.js';
import { sleep, waitUntil } from './support/timing.js';

const INTERVAL_MS = 100;
/** Two missed pongs end a client at the third beat; the rest is slack for a busy machine. */
const DEADLINE_MS = 3 * INTERVAL_MS + 400;

/**
 * A client that answers pings by hand (ws's automatic pong is off) until it goes silent,
 * like a laptop whose lid was closed: its socket stays open but nothing comes back.
 */
class SilenceableClient {
  private answering = true;

  private constructor(readonly client: TestClient) {
    // Echoes the ping's payload, as RFC 6455 asks and the server checks.
    client.ws.on('ping', (data) => {
      if (this.answering) client.ws.pong(data);
    });
  }

  static async connect(orion: OrionTestApp): Promise<SilenceableClient> {
    return new SilenceableClient(await TestClient.connect(orion.wsUrl, '/', { autoPong: false }));
  }

  /** Stops answering; resolves with the ms from then until the server ended the socket. */
  goSilent(): Promise<number> {
    this.answering = false;
    return msUntilClosed(this.client);
  }
}

/** Ms from now until the server ends `client`'s socket; fails if it is still open after 3 s. */
function msUntilClosed(client: TestClient): Promise<number> {
  const since = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the socket is still open')), 3_000);
    client.ws.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - since);
    });
  });
}

describe('WebSocket heartbeat', () => {
  let orion: OrionTestApp;
  const pool = new ClientPool();
  const silenceable: TestClient[] = [];

  /** A silenceable client that has joined `lobbyId` as `name`. */
  async function silenceableMember(lobbyId: string, name: string): Promise<SilenceableClient> {
    const member = await SilenceableClient.connect(orion);
    silenceable.push(member.client);
    expect((await joinLobby(orion, member.client, lobbyId, name)).status).toBe(200);
    return member;
  }

  beforeAll(async () => {
    orion = await startOrion({
      wsHeartbeatIntervalMs: INTERVAL_MS,
      ptpmServerConnectTimeoutMs: 30_000,
    });
  });
  afterEach(async () => {
    await pool.closeAll();
    await Promise.all(silenceable.splice(0).map((client) => client.close()));
    await waitUntil(() => activeTimers(orion) === 0, 'no mediation outlives its clients');
    expect(await settledStateViolations(orion.app)).toEqual([]);
  });
  afterAll(async () => {
    await orion?.close();
  });

  it('keeps a client that answers pings connected for many intervals', async () => {
    const party = await openParty(orion, pool, ['Host', 'Ann']);
    const ann = party.members[0].client;
    let pings = 0;
    ann.ws.on('ping', () => pings++);
    await sleep(15 * INTERVAL_MS);
    expect(pings).toBeGreaterThanOrEqual(10);
    expect(ann.isOpen).toBe(true);
    expect(party.host.client.methods).not.toContain('lobby_peerDisconnect');
    ann.send('lobby_messaging_send', { token: ann.token, lobbyId: party.lobbyId, message: 'hi' });
    expect((await party.host.client.next('lobby_messaging_received')).message.message).toBe('hi');
  });

  it('ends a client that never answers a ping within three intervals of connecting', async () => {
    const deaf = await TestClient.connect(orion.wsUrl, '/', { autoPong: false });
    silenceable.push(deaf);
    expect(await msUntilClosed(deaf)).toBeLessThanOrEqual(DEADLINE_MS);
    await waitUntil(async () => (await stateCounts(orion.app)).clients === 0, 'it is unregistered');
  });

  it('ends a member that stops answering; the lobby gets lobby_peerDisconnect', async () => {
    const party = await openParty(orion, pool, ['Host', 'Ann']);
    const mute = await silenceableMember(party.lobbyId, 'Mute');
    const marks = party.everyone.map((peer) => markOf(peer.client));
    await sleep(3 * INTERVAL_MS);
    expect(mute.client.isOpen).toBe(true);

    const endedAfterMs = await mute.goSilent();
    expect(endedAfterMs).toBeLessThanOrEqual(DEADLINE_MS);
    for (const [i, peer] of party.everyone.entries()) {
      expect(await nextSince(peer.client, 'lobby_peerDisconnect', marks[i])).toEqual({
        lobbyId: party.lobbyId,
        peerName: 'Mute',
      });
      expect(peer.client.isOpen).toBe(true);
    }
    const counts = await stateCounts(orion.app);
    expect(counts.clients).toBe(2);
  });

  it('ends a host that stops answering; its members get lobby_closed', async () => {
    const host = await SilenceableClient.connect(orion);
    silenceable.push(host.client);
    const created = await createLobby(orion, host.client, 'Mute');
    expect(created.status).toBe(201);
    const { lobbyId, lobbyName } = created.body as { lobbyId: string; lobbyName: string };
    const ann = await pool.connect(orion);
    expect((await joinLobby(orion, ann, lobbyId, 'Ann')).status).toBe(200);
    const mark = markOf(ann);

    expect(await host.goSilent()).toBeLessThanOrEqual(DEADLINE_MS);
    expect(await nextSince(ann, 'lobby_closed', mark)).toEqual({ lobbyId, lobbyName });
    expect(ann.isOpen).toBe(true);
    expect((await stateCounts(orion.app)).lobbies).toBe(0);
  });

  it('ends a member that stops answering mid-mediation; the others get ptpMediation_aborted', async () => {
    const party = await openParty(orion, pool, ['Host', 'Ann']);
    const mute = await silenceableMember(party.lobbyId, 'Mute');
    const marks = party.everyone.map((peer) => markOf(peer.client));
    expect((await postStart(orion, party.host.client, party.lobbyId)).status).toBe(200);
    for (const [i, peer] of party.everyone.entries()) {
      await nextSince(peer.client, 'ptpMediation_send', marks[i]);
      await peer.client.sendUdp(orion.udpPort);
    }

    expect(await mute.goSilent()).toBeLessThanOrEqual(DEADLINE_MS);
    for (const [i, peer] of party.everyone.entries()) {
      expect(await nextSince(peer.client, 'ptpMediation_aborted', marks[i])).toEqual({
        abortReason: ABORT_REASONS.memberLeft('Mute'),
      });
    }
    expect((await stateCounts(orion.app)).mediations).toBe(0);
  });
});

describe('WebSocket heartbeat timer', () => {
  it('runs while the app does and is cleared when it closes', async () => {
    const timers = trackServerTimers();
    try {
      const orion = await startOrion({ wsHeartbeatIntervalMs: INTERVAL_MS });
      expect(timers.alive()).toContain('setInterval');
      await orion.close();
      expect(timers.alive().filter((kind) => kind === 'setInterval')).toEqual([]);
    } finally {
      timers.stop();
    }
  });
});
