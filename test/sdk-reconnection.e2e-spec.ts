/**
 * The SDK's opt-in reconnection (`reconnect`) against a real Orion started with
 * `--reconnectGraceMs`: a client whose WebSocket drops is away, resumes on a new socket
 * and is back, in its lobby and in its mediation; or it gives up and closes for good.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  MediationInterruptedError,
  type MediationResult,
  type OrionClient,
  type PeerEndpoint,
  type ReconnectOptions,
  type ServerMessages,
} from '@orion/sdk';
import { MediationService } from '../src/mediation/mediation.service.js';
import { nextEvent, SdkClientPool } from './support/clients/sdk-clients.js';
import { describePlan, planDrops, type PlannedDrop } from './support/flows/sdk-drop-plan.js';
import { clientCount, expectNothingLeft } from './support/orion/nothing-left.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import { SeededRandom, seedFromEnv } from './support/seeded-random.js';
import { sleep, waitUntil, withTimeout } from './support/timing.js';

/** A dropped socket: no close frame. */
const ABNORMAL_CLOSURE = 1006;
/** Long enough to come back within on a busy machine, short enough to wait out in a test. */
const GRACE_MS = 2_000;
/** Phase timeouts well beyond any gap a test makes, so only the drops are tested. */
const SERVER_TIMERS = { ptpmServerConnectTimeoutMs: 10_000, ptpmConnectTimeoutMs: 10_000 };
const PUNCH_TIMEOUT_MS = 8_000;

interface Party {
  host: OrionClient;
  members: OrionClient[];
  lobbyId: string;
}

/** A lobby hosted by the first name and joined by the others, all with `reconnect`. */
async function openParty(
  orion: OrionTestApp,
  pool: SdkClientPool,
  names: readonly string[],
  reconnect: boolean | ReconnectOptions = true,
): Promise<Party> {
  const host = await pool.connect(orion, { reconnect });
  const { lobbyId } = await host.host({
    hostName: names[0],
    lobbyName: 'Reconnect Night',
    maxMembers: names.length,
  });
  const members: OrionClient[] = [];
  for (const name of names.slice(1)) {
    const member = await pool.connect(orion, { reconnect });
    await member.join(lobbyId, name);
    expect((await host.next('lobby_peerConnect')).peerName).toBe(name);
    members.push(member);
  }
  return { host, members, lobbyId };
}

const endpointOf = (name: string, client: OrionClient): PeerEndpoint => ({
  name,
  ip: '127.0.0.1',
  port: client.socket.address().port,
});

/** Every `away`, `back` and `close` the client emits, as short strings in order. */
function recordLinkEvents(client: OrionClient): string[] {
  const events: string[] = [];
  client.on('away', (code) => events.push(`away ${code}`));
  client.on('back', () => events.push('back'));
  client.on('close', (code) => events.push(`close ${code}`));
  return events;
}

describe('SDK reconnection against an Orion with a grace', () => {
  let orion: OrionTestApp;
  const pool = new SdkClientPool();

  beforeAll(async () => {
    orion = await startOrion({ reconnectGraceMs: GRACE_MS, ...SERVER_TIMERS });
  });
  afterEach(async () => {
    await pool.closeAll();
    // A client closed while away is forgotten when its grace ends.
    await expectNothingLeft(orion, GRACE_MS + 3_000);
  });
  afterAll(async () => {
    await orion?.close();
  });

  it('a member whose connection drops is away, then back: its peers see lobby_peerAway and lobby_peerBack, and the chat it missed arrives', async () => {
    const { host, members, lobbyId } = await openParty(orion, pool, ['Ann', 'Bob', 'Cid'], {
      initialDelayMs: 500,
    });
    const [bob, cid] = members;
    const events = recordLinkEvents(bob);
    const back = nextEvent(bob, 'back');

    bob.dropConnection();
    for (const peer of [host, cid]) {
      expect(await peer.next('lobby_peerAway')).toEqual({ lobbyId, peerName: 'Bob' });
    }
    host.chat('while Bob was away');
    expect((await host.next('lobby_messaging_received')).message.message).toBe(
      'while Bob was away',
    );
    // Typed while away: kept, and sent once back.
    bob.chat('typed while away');
    expect(bob.lobbyId).toBe(lobbyId);

    const summary = await back;
    expect(summary).toEqual({
      lobby: {
        lobbyId,
        lobbyName: 'Reconnect Night',
        host: 'Ann',
        members: ['Ann', 'Bob', 'Cid'],
        locked: false,
      },
      mediation: null,
      missedChat: 1,
    });
    expect(await bob.next('client_resumed')).toEqual(summary);
    expect(await bob.next('lobby_messaging_received')).toMatchObject({
      lobbyId,
      message: { senderName: 'Ann', message: 'while Bob was away' },
    });
    expect((await cid.next('lobby_messaging_received')).message.message).toBe('while Bob was away');
    for (const peer of [host, cid]) {
      expect(await peer.next('lobby_peerBack')).toEqual({ lobbyId, peerName: 'Bob' });
      expect((await peer.next('lobby_messaging_received')).message).toMatchObject({
        senderName: 'Bob',
        message: 'typed while away',
      });
    }
    expect(events).toEqual([`away ${ABNORMAL_CLOSURE}`, 'back']);
    expect(bob.lobbyId).toBe(lobbyId);
    // The old client on a new socket: no new client left behind, nobody disconnected.
    expect(await clientCount(orion)).toBe(3);
    await expect(host.next('lobby_peerDisconnect', 100)).rejects.toThrow(/Timed out/);
  });

  it('mediate() carries on through a drop while Orion collects UDP packets, and resolves', async () => {
    const { host, members, lobbyId } = await openParty(orion, pool, ['Ann', 'Bob'], {
      initialDelayMs: 500,
    });
    const [bob] = members;
    const mediations = [host, bob].map((client) =>
      client.mediate({ punchTimeoutMs: PUNCH_TIMEOUT_MS }),
    );
    const back = nextEvent(bob, 'back');
    bob.dropConnection();
    await host.next('lobby_peerAway');
    // Started while Bob is away: Orion waits for his packet, asked for once he is back.
    await host.startMediation();
    await host.next('ptpMediation_send');

    const summary = await back;
    expect(summary.lobby).toMatchObject({ lobbyId, locked: true });
    expect(summary.mediation).toEqual({ phase: 'collecting' });
    const [hostResult, bobResult] = (await Promise.all(mediations)).map((r) => pool.keep(r));
    expect(hostResult.peers).toEqual([endpointOf('Bob', bob)]);
    expect(bobResult.peers).toEqual([endpointOf('Ann', host)]);
    await bob.next('lobby_closed');
    expect(bob.lobbyId).toBeUndefined();
  });

  it('mediate() carries on through a drop while peers connect: the success report goes out once back', async () => {
    const { host, members } = await openParty(orion, pool, ['Ann', 'Bob'], {
      initialDelayMs: 300,
    });
    const [bob] = members;
    // Cut as the peer list arrives, before punching could report anything.
    bob.once('ptpMediation_peersConnection_start', () => bob.dropConnection());
    const back = nextEvent(bob, 'back');
    const mediations = [host, bob].map((client) =>
      client.mediate({ punchTimeoutMs: PUNCH_TIMEOUT_MS }),
    );
    await host.startMediation();

    expect((await back).mediation).toEqual({ phase: 'connecting' });
    const [hostResult, bobResult] = (await Promise.all(mediations)).map((r) => pool.keep(r));
    expect(hostResult.peers).toEqual([endpointOf('Bob', bob)]);
    expect(bobResult.peers).toEqual([endpointOf('Ann', host)]);
    expect(await host.next('ptpMediation_success')).toEqual({});
  });

  it('a member that reported success and misses ptpMediation_success while away resolves mediate() once back in no lobby', async () => {
    const { host, members } = await openParty(orion, pool, ['Ann', 'Bob', 'Cid'], {
      initialDelayMs: 800,
    });
    const [bob, cid] = members;
    const hostMediation = host.mediate({ punchTimeoutMs: PUNCH_TIMEOUT_MS });
    const bobMediation = bob.mediate({ punchTimeoutMs: PUNCH_TIMEOUT_MS });
    await host.startMediation();
    // Bob has punched the host, his only peer, and reported; the host waits for Cid.
    const mediations = orion.app.get(MediationService);
    await waitUntil(
      async () => (await mediations.inspect()).mediations[0]?.connected.length === 1,
      "Bob's success report recorded",
    );
    const back = nextEvent(bob, 'back');
    bob.dropConnection();
    await host.next('lobby_peerAway');
    const cidMediation = cid.mediate({ punchTimeoutMs: PUNCH_TIMEOUT_MS });
    const [hostResult] = [await hostMediation, await cidMediation].map((r) => pool.keep(r));
    expect(hostResult.peers.map((peer) => peer.name)).toEqual(['Bob', 'Cid']);

    expect(await back).toEqual({ lobby: null, mediation: null, missedChat: 0 });
    const bobResult = pool.keep(await bobMediation);
    expect(bobResult.peers).toEqual([endpointOf('Ann', host)]);
    expect(bob.lobbyId).toBeUndefined();
  });

  it('close() while waiting to reconnect stops it: close once with the drop code, never back; the peers hear the departure when the grace ends', async () => {
    const { host, members, lobbyId } = await openParty(orion, pool, ['Ann', 'Bob'], {
      initialDelayMs: 5_000,
    });
    const [bob] = members;
    const events = recordLinkEvents(bob);
    const away = nextEvent(bob, 'away');
    bob.dropConnection();
    expect(await away).toBe(ABNORMAL_CLOSURE);
    await host.next('lobby_peerAway');
    await bob.close();
    expect(events).toEqual([`away ${ABNORMAL_CLOSURE}`, `close ${ABNORMAL_CLOSURE}`]);
    await expect(bob.next('lobby_peerConnect')).rejects.toThrow(/closed \(code 1006\)/);
    expect(await host.next('lobby_peerDisconnect', GRACE_MS + 3_000)).toEqual({
      lobbyId,
      peerName: 'Bob',
    });
    expect(events).toHaveLength(2);
  });
});

describe('SDK reconnection against an Orion without a grace (the default)', () => {
  let orion: OrionTestApp;
  const pool = new SdkClientPool();

  beforeAll(async () => {
    orion = await startOrion(SERVER_TIMERS);
  });
  afterEach(async () => {
    await pool.closeAll();
    await expectNothingLeft(orion);
  });
  afterAll(async () => {
    await orion?.close();
  });

  it('gives up when Orion does not answer client_resume: close comes once, within withinMs, and no attempt is left on the server', async () => {
    const reconnect = { withinMs: 1_500, resumeTimeoutMs: 1_000 };
    const { host, members, lobbyId } = await openParty(orion, pool, ['Ann', 'Bob'], reconnect);
    const [bob] = members;
    const events = recordLinkEvents(bob);
    const closed = nextEvent(bob, 'close');
    const droppedAt = Date.now();
    bob.dropConnection();
    expect(await host.next('lobby_peerDisconnect')).toEqual({ lobbyId, peerName: 'Bob' });

    expect(await closed).toBe(ABNORMAL_CLOSURE);
    expect(Date.now() - droppedAt).toBeLessThan(reconnect.withinMs + 1_000);
    expect(events).toEqual([`away ${ABNORMAL_CLOSURE}`, `close ${ABNORMAL_CLOSURE}`]);
    expect(bob.lobbyId).toBeUndefined();
    await expect(bob.next('lobby_peerConnect')).rejects.toThrow(
      /closed \(code 1006\); reconnecting gave up/,
    );
    await expect(bob.mediate()).rejects.toThrow(MediationInterruptedError);
    expect(() => bob.chat('anyone?')).toThrow(/in no lobby/);
    // The attempt's own socket was closed: only the host is left.
    await waitUntil(async () => (await clientCount(orion)) === 1, 'only the host left');
  });

  it('close() during a reconnection attempt stops it and leaves no client on the server', async () => {
    const bob = await pool.connect(orion, {
      reconnect: { initialDelayMs: 50, resumeTimeoutMs: 10_000 },
    });
    const events = recordLinkEvents(bob);
    bob.dropConnection();
    // Without a grace the dropped client is gone at once; the attempt is a new client.
    await waitUntil(async () => (await clientCount(orion)) === 0, 'the dropped client gone');
    await waitUntil(async () => (await clientCount(orion)) === 1, "the attempt's socket open");
    await bob.close();
    expect(events).toEqual([`away ${ABNORMAL_CLOSURE}`, `close ${ABNORMAL_CLOSURE}`]);
    await waitUntil(async () => (await clientCount(orion)) === 0, 'no client left');
  });

  it('with reconnect off, dropConnection() closes the client as any dropped socket did', async () => {
    const { host, members, lobbyId } = await openParty(orion, pool, ['Ann', 'Bob'], false);
    const [bob] = members;
    const events = recordLinkEvents(bob);
    const closed = nextEvent(bob, 'close');
    bob.dropConnection();
    expect(await closed).toBe(ABNORMAL_CLOSURE);
    expect(await host.next('lobby_peerDisconnect')).toEqual({ lobbyId, peerName: 'Bob' });
    expect(events).toEqual([`close ${ABNORMAL_CLOSURE}`]);
    await expect(bob.next('lobby_peerConnect')).rejects.toThrow(
      'The connection to Orion closed (code 1006).',
    );
    await expect(bob.mediate()).rejects.toThrow(MediationInterruptedError);
    expect(bob.lobbyId).toBeUndefined();
  });
});

describe('issue 19: a party of 8 whose every connection drops once still mediates', () => {
  /** Lobby drops fall this long before the host starts; the others this soon after their message. */
  const LOBBY_WINDOW_MS = 400;
  const PHASE_WINDOW_MS = 60;
  const NAMES = ['Host', 'Ann', 'Bob', 'Cid', 'Dee', 'Eve', 'Fay', 'Gus'];
  const seed = seedFromEnv('RECONNECT_SEED');
  let orion: OrionTestApp;
  const pool = new SdkClientPool();

  beforeAll(async () => {
    orion = await startOrion({ reconnectGraceMs: 15_000, ...SERVER_TIMERS });
  });
  afterEach(async () => {
    await pool.closeAll();
    await expectNothingLeft(orion);
  });
  afterAll(async () => {
    await orion?.close();
  });

  /** Where a client is in its mediation, by the last mediation message it has seen. */
  function trackStage(client: OrionClient): () => string {
    let stage = 'lobby';
    client.on('ptpMediation_send', () => (stage = stage === 'lobby' ? 'collecting' : stage));
    client.on('ptpMediation_peersConnection_start', () => (stage = 'connecting'));
    client.on('ptpMediation_success', () => (stage = 'succeeded'));
    client.on('lobby_closed', () => (stage = 'closed'));
    return () => stage;
  }

  /**
   * Cuts `client` once as `drop` plans (lobby drops counted from `lobbyStart`); resolves with
   * the stage it was in and what it saw, once it is back.
   */
  function cutOnce(
    client: OrionClient,
    drop: PlannedDrop,
    lobbyStart: Promise<void>,
  ): Promise<{ stage: string; summary: ServerMessages['client_resumed'] }> {
    const stageOf = trackStage(client);
    return new Promise((resolve, reject) => {
      let stage = '';
      const cut = () => {
        stage = stageOf();
        client.dropConnection();
      };
      client.once('back', (summary) => resolve({ stage, summary }));
      client.once('close', (code) => reject(new Error(`${drop.name} closed (code ${code})`)));
      const later = () => setTimeout(cut, drop.delayMs);
      if (drop.phase === 'lobby') void lobbyStart.then(later);
      if (drop.phase === 'collecting') client.once('ptpMediation_send', later);
      if (drop.phase === 'connecting') client.once('ptpMediation_peersConnection_start', later);
    });
  }

  it(`every member's mediate() resolves with its peers though each socket was cut (seed ${seed}; replay with RECONNECT_SEED=${seed})`, async () => {
    const plan = planDrops(NAMES, new SeededRandom(seed), {
      lobbyWindowMs: LOBBY_WINDOW_MS,
      phaseWindowMs: PHASE_WINDOW_MS,
    });
    const context = `seed ${seed}, drops ${describePlan(plan)}`;
    const { host, members } = await openParty(orion, pool, NAMES);
    const everyone = [host, ...members];

    let startLobbyClock!: () => void;
    const lobbyStart = new Promise<void>((resolve) => (startLobbyClock = resolve));
    const cuts = Promise.all(
      everyone.map((client, index) => cutOnce(client, plan[index], lobbyStart)),
    );
    // Awaited below; a failure before then must not count as unhandled.
    cuts.catch(() => undefined);
    const startedAt = Date.now();
    const mediations = Promise.all(
      everyone.map((client) => client.mediate({ punchTimeoutMs: PUNCH_TIMEOUT_MS })),
    );
    mediations.catch(() => undefined);
    startLobbyClock();
    await sleep(LOBBY_WINDOW_MS);
    await host.startMediation();

    const results: MediationResult[] = await withTimeout(
      mediations,
      25_000,
      `every mediate() (${context})`,
    ).then((all) => all.map((result) => pool.keep(result)));
    const mediatedMs = Date.now() - startedAt;
    const backs = await withTimeout(cuts, 20_000, `every member back (${context})`);

    expect(results[0].peers, context).toEqual(
      members.map((member, index) => endpointOf(NAMES[index + 1], member)),
    );
    for (const result of results.slice(1)) {
      expect(result.peers, context).toEqual([endpointOf('Host', host)]);
    }
    // Every socket really was cut (and came back) once.
    expect(backs, context).toHaveLength(NAMES.length);
    const stages = backs.map((back, index) => `${NAMES[index]}:${back.stage}`).join(', ');
    expect(mediatedMs, `${context}; cut in ${stages}`).toBeLessThan(25_000);
  });
});
