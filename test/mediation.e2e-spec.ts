import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OrionSettings } from '../src/config/orion-config.js';
import { MediationService } from '../src/mediation/mediation.service.js';
import {
  activeTimers,
  ClientPool,
  connectFrame,
  createLobby,
  endpointOf,
  expectConflict,
  expectOrder,
  expectPeers,
  joinLobby,
  joinPeer,
  listLobbies,
  mediateToSuccess,
  mediationMethodsSince,
  openParty,
  postStart,
  sendFromNewSocket,
  sendSuccess,
  trackServerTimers,
  withMembers,
  type Party,
  type Peer,
} from './support/flows/mediation-flows.js';
import { FAST_TIMERS, startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import { countSince, markOf, methodsSince, nextSince } from './support/clients/received.js';
import { sleep, waitUntil } from './support/timing.js';

const INTERVAL_MS = FAST_TIMERS.ptpmConnectRequestIntervalMs;
/** Long enough for three reminders to have gone out, had any timer survived. */
const QUIET_MS = INTERVAL_MS * 3 + 100;
/** Shorter timeouts for the describes that wait for (or past) a timeout. */
const SHORT_TIMEOUT_MS = 800;
const SHORT_TIMEOUTS = {
  ptpmServerConnectTimeoutMs: SHORT_TIMEOUT_MS,
  ptpmConnectTimeoutMs: SHORT_TIMEOUT_MS,
} satisfies Partial<OrionSettings>;

/** Boots one app for the describe and closes every client a test opened. */
function useOrion(settings: Partial<OrionSettings> = {}) {
  const context = {
    orion: undefined as unknown as OrionTestApp,
    pool: new ClientPool(),
    timers: undefined as unknown as ReturnType<typeof trackServerTimers>,
  };
  beforeAll(async () => {
    context.orion = await startOrion(settings);
  });
  beforeEach(() => {
    context.timers = trackServerTimers();
  });
  afterEach(async () => {
    try {
      await context.pool.closeAll();
      await waitUntil(
        () => activeTimers(context.orion) === 0,
        'no mediation timer survives its clients',
      );
      // Every setTimeout/setInterval the server made during the test has been cleared.
      expect(context.timers.alive()).toEqual([]);
    } finally {
      context.timers.stop();
    }
  });
  afterAll(async () => {
    await context.orion?.close();
  });
  return context;
}

const markAll = (peers: Peer[]) => new Map(peers.map((peer) => [peer, markOf(peer.client)]));

/** Starts mediation and waits for everyone's first ptpMediation_send. */
async function start(orion: OrionTestApp, party: Party): Promise<void> {
  const marks = markAll(party.everyone);
  const response = await postStart(orion, party.host.client, party.lobbyId);
  expect(response.status).toBe(200);
  for (const peer of party.everyone) {
    expect(await nextSince(peer.client, 'ptpMediation_send', marks.get(peer)!)).toEqual({
      port: orion.udpPort,
    });
  }
}

/** Every peer sends its UDP packet; waits until everyone got ptpMediation_peersConnection_start. */
async function reachPeersPhase(orion: OrionTestApp, party: Party): Promise<void> {
  const marks = markAll(party.everyone);
  for (const peer of party.everyone) await peer.client.sendUdp(orion.udpPort);
  for (const peer of party.everyone) {
    await nextSince(peer.client, 'ptpMediation_peersConnection_start', marks.get(peer)!);
  }
}

/** Waits, then expects that none of the peers received a single ptpMediation_* message. */
async function expectNoMediationMessages(peers: Peer[], waitMs = QUIET_MS): Promise<void> {
  const marks = markAll(peers);
  await sleep(waitMs);
  for (const peer of peers)
    expect(mediationMethodsSince(peer.client, marks.get(peer)!)).toEqual([]);
}

async function expectAborted(peers: Peer[], marks: Map<Peer, number>): Promise<void> {
  for (const peer of peers) {
    const aborted = await nextSince(peer.client, 'ptpMediation_aborted', marks.get(peer)!);
    expect(Object.keys(aborted)).toEqual(['abortReason']);
    expect(typeof aborted.abortReason).toBe('string');
    expect(aborted.abortReason.trim().length).toBeGreaterThan(0);
  }
}

describe('peer-to-peer mediation', () => {
  const ctx = useOrion();

  it('mediates a host and two members from ptp/start to ptpMediation_success, then closes the lobby', async () => {
    const { orion, pool } = ctx;
    const party = await openParty(orion, pool, ['Host', 'Alice', 'Bob']);
    const [alice, bob] = party.members;

    const started = await postStart(orion, party.host.client, party.lobbyId);
    expect(started.status).toBe(200);
    expect(started.text).toBe('');

    // Every member of the lobby, the host included, is asked for a UDP packet.
    for (const peer of party.everyone) {
      expect(await peer.client.next('ptpMediation_send')).toEqual({ port: orion.udpPort });
    }
    for (const peer of party.everyone) await peer.client.sendUdp(orion.udpPort);

    // The host gets every other member, in join order; each member gets the host.
    const hostStart = await party.host.client.next('ptpMediation_peersConnection_start');
    expectPeers(hostStart.peers, [await endpointOf(alice), await endpointOf(bob)]);
    for (const member of party.members) {
      const memberStart = await member.client.next('ptpMediation_peersConnection_start');
      expectPeers(memberStart.peers, [await endpointOf(party.host)]);
    }

    for (const peer of party.everyone) sendSuccess(peer);
    for (const peer of party.everyone) {
      expect(await peer.client.next('ptpMediation_success')).toEqual({});
      expect(await peer.client.next('lobby_closed')).toEqual({
        lobbyId: party.lobbyId,
        lobbyName: party.lobbyName,
      });
      expectOrder(peer.client, 0, 'ptpMediation_success', 'lobby_closed');
    }
    expect(ctx.orion.app.get(MediationService).activeTimerCount).toBe(0);

    // The lobby is gone.
    expect((await listLobbies(orion)).map((lobby) => lobby.id)).not.toContain(party.lobbyId);
    const latecomer = await pool.connect(orion);
    expectConflict(await joinLobby(orion, latecomer, party.lobbyId, 'Late'));

    // Nothing more about mediation arrives afterwards.
    await expectNoMediationMessages(party.everyone);

    // The sockets stay open and the same clients may host and join again.
    for (const peer of party.everyone) expect(peer.client.isOpen).toBe(true);
    const again = await createLobby(orion, party.host.client, 'Host');
    expect(again.status).toBe(201);
    for (const member of party.members) {
      const joined = await joinLobby(orion, member.client, again.body.lobbyId, member.name);
      expect(joined.status).toBe(200);
    }
    expect((await createLobby(orion, latecomer, 'Late')).status).toBe(201);
  });

  it('locks the lobby while mediation is underway: joining answers 409, GET /lobbies lists it unchanged', async () => {
    const { orion, pool } = ctx;
    const party = await openParty(orion, pool, ['Host', 'Alice'], { isPublic: true });
    const listed = () => listLobbies(orion).then((all) => all.find((l) => l.id === party.lobbyId));
    const before = await listed();
    expect(before).toEqual({
      name: party.lobbyName,
      id: party.lobbyId,
      currentMembers: 2,
      maxMembers: 8,
    });

    await start(orion, party);
    const latecomer = await pool.connect(orion);
    expectConflict(await joinLobby(orion, latecomer, party.lobbyId, 'Late'));
    expect(await listed()).toEqual(before);

    // In the peers phase too.
    await reachPeersPhase(orion, party);
    expectConflict(await joinLobby(orion, latecomer, party.lobbyId.toLowerCase(), 'Late'));
    expect(await listed()).toEqual(before);

    for (const peer of party.everyone) sendSuccess(peer);
    for (const peer of party.everyone) await peer.client.next('lobby_closed');
    // The rejected client never became a member: it heard nothing of this lobby.
    expect(latecomer.methods).toEqual(['client_registered']);
    expect(activeTimers(orion)).toBe(0);
  });

  it('mediates two lobbies at the same time without mixing up their endpoints', async () => {
    const { orion, pool } = ctx;
    const one = await openParty(orion, pool, ['HostOne', 'AliceOne']);
    const two = await openParty(orion, pool, ['HostTwo', 'AliceTwo', 'BobTwo']);
    const marks = markAll([...one.everyone, ...two.everyone]);
    await Promise.all([start(orion, one), start(orion, two)]);

    // Interleaved packets from both lobbies.
    const order = [two.members[0], one.host, two.members[1], one.members[0], two.host];
    for (const peer of order) await peer.client.sendUdp(orion.udpPort);

    const startOf = (peer: Peer) =>
      nextSince(peer.client, 'ptpMediation_peersConnection_start', marks.get(peer)!);
    expectPeers((await startOf(one.host)).peers, [await endpointOf(one.members[0])]);
    expectPeers((await startOf(one.members[0])).peers, [await endpointOf(one.host)]);
    expectPeers(
      (await startOf(two.host)).peers,
      await Promise.all(two.members.map((member) => endpointOf(member))),
    );
    for (const member of two.members) {
      expectPeers((await startOf(member)).peers, [await endpointOf(two.host)]);
    }

    // Lobby one finishes while lobby two is still waiting for its host and Bob.
    sendSuccess(one.host);
    sendSuccess(two.members[0]);
    sendSuccess(one.members[0]);
    for (const peer of one.everyone) {
      await nextSince(peer.client, 'ptpMediation_success', marks.get(peer)!);
      await nextSince(peer.client, 'lobby_closed', marks.get(peer)!);
    }
    await sleep(INTERVAL_MS);
    for (const peer of two.everyone) {
      expect(countSince(peer.client, 'ptpMediation_success', marks.get(peer)!)).toBe(0);
      expect(countSince(peer.client, 'lobby_closed', marks.get(peer)!)).toBe(0);
    }
    expect(activeTimers(orion)).toBe(1);

    sendSuccess(two.host);
    sendSuccess(two.members[1]);
    for (const peer of two.everyone) {
      // lobby_closed follows the lobby's deletion: with Redis, a round trip after the success.
      await nextSince(peer.client, 'lobby_closed', marks.get(peer)!);
      expectOrder(peer.client, marks.get(peer)!, 'ptpMediation_success', 'lobby_closed');
    }
    expect(activeTimers(orion)).toBe(0);
  });
});

describe('POST /lobbies/:lobbyId/ptp/start', () => {
  const ctx = useOrion();

  it('answers 409 when mediation is already underway', async () => {
    const { orion, pool } = ctx;
    const party = await openParty(orion, pool, ['Host', 'Alice']);
    expect((await postStart(orion, party.host.client, party.lobbyId)).status).toBe(200);
    expectConflict(await postStart(orion, party.host.client, party.lobbyId));

    // The rejected second start changed nothing: one request per peer, one mediation.
    await sleep(50);
    for (const peer of party.everyone) {
      expect(countSince(peer.client, 'ptpMediation_send', 0)).toBe(1);
    }
    expect(activeTimers(orion)).toBe(1);
    await reachPeersPhase(orion, party);
    expectConflict(await postStart(orion, party.host.client, party.lobbyId));
    for (const peer of party.everyone) sendSuccess(peer);
    for (const peer of party.everyone) await peer.client.next('lobby_closed');
    for (const peer of party.everyone) {
      expect(countSince(peer.client, 'ptpMediation_peersConnection_start', 0)).toBe(1);
    }
  });

  it('leaves the former host free to create a lobby once mediation succeeded', async () => {
    const { orion, pool } = ctx;
    const party = await openParty(orion, pool, ['Host', 'Alice']);
    await mediateToSuccess(orion, party);
    const created = await createLobby(orion, party.host.client, 'Host');
    expect(created.status).toBe(201);
    const newParty = withMembers(
      { ...party, lobbyId: created.body.lobbyId, lobbyName: created.body.lobbyName },
      [party.members[0]],
    );
    expect(
      (await joinLobby(orion, party.members[0].client, newParty.lobbyId, 'Alice')).status,
    ).toBe(200);
    await mediateToSuccess(orion, newParty);
  });
});

describe('ptpMediation_send reminders', () => {
  const ctx = useOrion();

  it('repeats ptpMediation_send to a member that never sends UDP, and only to it', async () => {
    const { orion, pool } = ctx;
    const party = await openParty(orion, pool, ['Host', 'Alice', 'Bob']);
    const [alice, bob] = party.members;
    const startedAt = Date.now();
    await start(orion, party);

    // Host and Alice answer at once; Bob stays silent.
    await party.host.client.sendUdp(orion.udpPort);
    await alice.client.sendUdp(orion.udpPort);
    await sleep(50);
    const heard = markAll([party.host, alice]);
    for (const peer of [party.host, alice]) {
      expect(countSince(peer.client, 'ptpMediation_send', 0)).toBeGreaterThanOrEqual(1);
    }

    await sleep(startedAt + 4 * INTERVAL_MS + 50 - Date.now());
    const bobRequests = bob.client.all('ptpMediation_send');
    expect(bobRequests.length).toBeGreaterThanOrEqual(3);
    for (const request of bobRequests) expect(request).toEqual({ port: orion.udpPort });
    for (const peer of [party.host, alice]) {
      expect(methodsSince(peer.client, heard.get(peer)!)).toEqual([]);
    }

    // Once Bob answers, the reminders stop for him too, and mediation moves on.
    await bob.client.sendUdp(orion.udpPort);
    for (const peer of party.everyone) await peer.client.next('ptpMediation_peersConnection_start');
    const bobCount = bob.client.all('ptpMediation_send').length;
    await sleep(QUIET_MS);
    expect(bob.client.all('ptpMediation_send')).toHaveLength(bobCount);
    for (const peer of party.everyone) sendSuccess(peer);
    for (const peer of party.everyone) await peer.client.next('lobby_closed');
  });
});

describe('timeouts', () => {
  const ctx = useOrion(SHORT_TIMEOUTS);

  it('aborts when a member never sends its UDP packet within ptpmServerConnectTimeoutMs, then unlocks the lobby', async () => {
    const { orion, pool } = ctx;
    const party = await openParty(orion, pool, ['Host', 'Alice', 'Bob']);
    const marks = markAll(party.everyone);
    const startedAt = Date.now();
    await start(orion, party);
    await party.host.client.sendUdp(orion.udpPort);
    await party.members[0].client.sendUdp(orion.udpPort);

    await expectAborted(party.everyone, marks);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(SHORT_TIMEOUT_MS - 50);
    expect(activeTimers(orion)).toBe(0);
    for (const peer of party.everyone) {
      expect(countSince(peer.client, 'ptpMediation_peersConnection_start', marks.get(peer)!)).toBe(
        0,
      );
    }

    // No reminder (nor a second abort) after the abort.
    await expectNoMediationMessages(party.everyone);

    // The lobby is unlocked: a new member can join and the host can start again.
    const carol = await joinPeer(orion, pool, party.lobbyId, 'Carol');
    await mediateToSuccess(orion, withMembers(party, [...party.members, carol]));
  });

  it('aborts when a member never reports success within ptpmConnectTimeoutMs, then unlocks the lobby', async () => {
    const { orion, pool } = ctx;
    const party = await openParty(orion, pool, ['Host', 'Alice', 'Bob']);
    const marks = markAll(party.everyone);
    await start(orion, party);
    await reachPeersPhase(orion, party);
    const peersPhaseAt = Date.now();
    sendSuccess(party.host);
    sendSuccess(party.members[0]);

    await expectAborted(party.everyone, marks);
    expect(Date.now() - peersPhaseAt).toBeGreaterThanOrEqual(SHORT_TIMEOUT_MS - 100);
    expect(activeTimers(orion)).toBe(0);
    for (const peer of party.everyone) {
      expect(countSince(peer.client, 'ptpMediation_success', marks.get(peer)!)).toBe(0);
    }
    await expectNoMediationMessages(party.everyone);

    const carol = await joinPeer(orion, pool, party.lobbyId, 'Carol');
    await mediateToSuccess(orion, withMembers(party, [...party.members, carol]));
  });
});

describe('a member leaving mid-mediation', () => {
  const ctx = useOrion(SHORT_TIMEOUTS);

  for (const phase of ['UDP', 'peers'] as const) {
    it(`in the ${phase} phase: the rest get lobby_peerDisconnect, then ptpMediation_aborted, and the lobby unlocks`, async () => {
      const { orion, pool } = ctx;
      const party = await openParty(orion, pool, ['Host', 'Alice', 'Bob']);
      const [alice, bob] = party.members;
      const rest = [party.host, alice];
      await start(orion, party);
      if (phase === 'UDP') {
        await party.host.client.sendUdp(orion.udpPort);
        await alice.client.sendUdp(orion.udpPort);
        await sleep(20);
      } else {
        await reachPeersPhase(orion, party);
        sendSuccess(party.host);
      }
      const marks = markAll(rest);

      await bob.client.close();
      for (const peer of rest) {
        expect(await nextSince(peer.client, 'lobby_peerDisconnect', marks.get(peer)!)).toEqual({
          lobbyId: party.lobbyId,
          peerName: 'Bob',
        });
      }
      await expectAborted(rest, marks);
      for (const peer of rest) {
        expectOrder(peer.client, marks.get(peer)!, 'lobby_peerDisconnect', 'ptpMediation_aborted');
      }
      expect(activeTimers(orion)).toBe(0);

      // No reminder, no timeout abort, no success afterwards: wait past the timeout.
      await expectNoMediationMessages(rest, SHORT_TIMEOUT_MS + 100);
      for (const peer of rest) {
        expect(methodsSince(peer.client, marks.get(peer)!)).toEqual([
          'lobby_peerDisconnect',
          'ptpMediation_aborted',
        ]);
      }

      // Unlocked: someone new can join, and the host can start again.
      const carol = await joinPeer(orion, pool, party.lobbyId, 'Carol');
      await mediateToSuccess(orion, withMembers(party, [alice, carol]));
    });
  }
});

describe('the host leaving mid-mediation', () => {
  const ctx = useOrion(SHORT_TIMEOUTS);

  for (const phase of ['UDP', 'peers'] as const) {
    it(`in the ${phase} phase: members get lobby_closed, no ptpMediation_aborted, and nothing afterwards`, async () => {
      const { orion, pool } = ctx;
      const party = await openParty(orion, pool, ['Host', 'Alice', 'Bob']);
      const [alice] = party.members;
      await start(orion, party);
      if (phase === 'UDP') {
        await alice.client.sendUdp(orion.udpPort);
        await sleep(20);
      } else {
        await reachPeersPhase(orion, party);
        sendSuccess(alice);
      }
      const marks = markAll(party.members);

      await party.host.client.close();
      for (const member of party.members) {
        expect(await nextSince(member.client, 'lobby_closed', marks.get(member)!)).toEqual({
          lobbyId: party.lobbyId,
          lobbyName: party.lobbyName,
        });
      }
      expect(activeTimers(orion)).toBe(0);

      // Wait past every timeout: no reminder, no abort, nothing at all.
      await sleep(SHORT_TIMEOUT_MS + 200);
      for (const member of party.members) {
        expect(methodsSince(member.client, marks.get(member)!)).toEqual(['lobby_closed']);
        expect(member.client.isOpen).toBe(true);
      }
      expect((await listLobbies(orion)).map((lobby) => lobby.id)).not.toContain(party.lobbyId);
      const latecomer = await pool.connect(orion);
      expectConflict(await joinLobby(orion, latecomer, party.lobbyId, 'Late'));

      // The members are free again.
      const created = await createLobby(orion, alice.client, 'Alice');
      expect(created.status).toBe(201);
    });
  }
});

describe('duplicate and late UDP packets', () => {
  const ctx = useOrion();

  it('keeps the first packet: repeats and packets from another port in the UDP phase change nothing', async () => {
    const { orion, pool } = ctx;
    const party = await openParty(orion, pool, ['Host', 'Alice', 'Bob']);
    const [alice, bob] = party.members;
    const marks = markAll(party.everyone);
    await start(orion, party);

    for (let i = 0; i < 3; i++) await alice.client.sendUdp(orion.udpPort);
    const otherPort = await sendFromNewSocket(orion.udpPort, connectFrame(alice.client.token));
    expect(otherPort).not.toBe(await alice.client.udpPort());
    await sleep(50);
    // Alice's repeats did not complete anything.
    for (const peer of party.everyone) {
      expect(countSince(peer.client, 'ptpMediation_peersConnection_start', marks.get(peer)!)).toBe(
        0,
      );
    }

    await party.host.client.sendUdp(orion.udpPort);
    await bob.client.sendUdp(orion.udpPort);
    const hostStart = await nextSince(
      party.host.client,
      'ptpMediation_peersConnection_start',
      marks.get(party.host)!,
    );
    expectPeers(hostStart.peers, [await endpointOf(alice), await endpointOf(bob)]);

    await sleep(QUIET_MS);
    for (const peer of party.everyone) {
      expect(countSince(peer.client, 'ptpMediation_peersConnection_start', marks.get(peer)!)).toBe(
        1,
      );
    }
    for (const peer of party.everyone) sendSuccess(peer);
    for (const peer of party.everyone) await peer.client.next('lobby_closed');
  });

  it('ignores packets arriving after the UDP phase, even from a different port, and re-sends nothing', async () => {
    const { orion, pool } = ctx;
    const party = await openParty(orion, pool, ['Host', 'Alice', 'Bob']);
    const [alice, bob] = party.members;
    await start(orion, party);
    await reachPeersPhase(orion, party);
    const marks = markAll(party.everyone);

    await alice.client.sendUdp(orion.udpPort);
    await sendFromNewSocket(orion.udpPort, connectFrame(alice.client.token));
    await sendFromNewSocket(orion.udpPort, connectFrame(party.host.client.token));
    await bob.client.sendUdp(orion.udpPort);
    await sleep(QUIET_MS);
    for (const peer of party.everyone)
      expect(methodsSince(peer.client, marks.get(peer)!)).toEqual([]);
    expect(activeTimers(orion)).toBe(1);

    // The mediation goes on normally with the endpoints it already had.
    for (const peer of party.everyone) sendSuccess(peer);
    for (const peer of party.everyone) {
      await nextSince(peer.client, 'lobby_closed', marks.get(peer)!);
      expect(methodsSince(peer.client, marks.get(peer)!)).toEqual([
        'ptpMediation_success',
        'lobby_closed',
      ]);
      expect(peer.client.all('ptpMediation_peersConnection_start')).toHaveLength(1);
    }
    expect(activeTimers(orion)).toBe(0);
  });
});

describe('ptpMediation_peersConnection_success', () => {
  const ctx = useOrion();

  /** Waits a little, then expects no ptpMediation_success reached any of the peers. */
  async function expectNoSuccessYet(peers: Peer[]) {
    await sleep(150);
    for (const peer of peers) expect(peer.client.all('ptpMediation_success')).toHaveLength(0);
  }

  async function expectSuccess(party: Party) {
    for (const peer of party.everyone) {
      expect(await peer.client.next('ptpMediation_success')).toEqual({});
      await peer.client.next('lobby_closed');
      expectOrder(peer.client, 0, 'ptpMediation_success', 'lobby_closed');
    }
    expect(activeTimers(ctx.orion)).toBe(0);
  }

  it('is ignored before the peers phase: success comes only once everyone reported in the peers phase', async () => {
    const { orion, pool } = ctx;
    const party = await openParty(orion, pool, ['Host', 'Alice', 'Bob']);
    const [alice, bob] = party.members;
    await start(orion, party);
    sendSuccess(bob);
    sendSuccess(party.host);
    await sleep(50);

    await reachPeersPhase(orion, party);
    sendSuccess(party.host);
    sendSuccess(alice);
    await expectNoSuccessYet(party.everyone);
    sendSuccess(bob);
    await expectSuccess(party);
  });

  it('counts once when the same member sends it twice', async () => {
    const { orion, pool } = ctx;
    const party = await openParty(orion, pool, ['Host', 'Alice', 'Bob']);
    const [alice, bob] = party.members;
    await start(orion, party);
    await reachPeersPhase(orion, party);
    sendSuccess(party.host);
    sendSuccess(party.host);
    sendSuccess(alice);
    sendSuccess(alice);
    await expectNoSuccessYet(party.everyone);
    sendSuccess(bob);
    await expectSuccess(party);
    await sleep(QUIET_MS);
    for (const peer of party.everyone)
      expect(peer.client.all('ptpMediation_success')).toHaveLength(1);
  });

  it('is ignored from a client of another lobby and from a client in no lobby', async () => {
    const { orion, pool } = ctx;
    const party = await openParty(orion, pool, ['Host', 'Alice']);
    const other = await openParty(orion, pool, ['Stranger', 'Friend']);
    const loner: Peer = { client: await pool.connect(orion), name: 'Loner' };
    await start(orion, party);
    await reachPeersPhase(orion, party);

    sendSuccess(party.host);
    for (const outsider of [...other.everyone, loner]) sendSuccess(outsider);
    await expectNoSuccessYet(party.everyone);
    for (const outsider of [...other.everyone, loner]) {
      expect(outsider.client.methods.filter((m) => m.startsWith('ptpMediation_'))).toEqual([]);
    }

    sendSuccess(party.members[0]);
    await expectSuccess(party);
    // The other lobby is untouched.
    expect((await listLobbies(orion)).map((lobby) => lobby.id)).toContain(other.lobbyId);
  });

  for (const later of ['the forger', 'the victim'] as const) {
    it(`is ignored when sent with another member's token over your own socket (${later} reports next)`, async () => {
      const { orion, pool } = ctx;
      const party = await openParty(orion, pool, ['Host', 'Alice', 'Bob']);
      const [alice, bob] = party.members;
      const outsider = await pool.connect(orion);
      await start(orion, party);
      await reachPeersPhase(orion, party);

      sendSuccess(party.host);
      // Alice reports with Bob's token, and an outsider with Alice's and Bob's.
      sendSuccess(alice, bob.client.token);
      outsider.send('ptpMediation_peersConnection_success', { token: alice.client.token });
      outsider.send('ptpMediation_peersConnection_success', { token: bob.client.token });
      await expectNoSuccessYet(party.everyone);

      // Had the forged report counted for either of them, one more report would finish.
      sendSuccess(later === 'the forger' ? alice : bob);
      await expectNoSuccessYet(party.everyone);
      sendSuccess(later === 'the forger' ? bob : alice);
      await expectSuccess(party);
    });
  }
});

describe('a mediation that ended', () => {
  const ctx = useOrion(SHORT_TIMEOUTS);

  it('sends no ptpMediation_* message after ptpMediation_success, and no server timer stays armed', async () => {
    const { orion, pool } = ctx;
    const party = await openParty(orion, pool, ['Host', 'Alice']);
    const marks = markAll(party.everyone);
    expect((await postStart(orion, party.host.client, party.lobbyId)).status).toBe(200);
    // The host answers at once, Alice only after a few reminders.
    await party.host.client.sendUdp(orion.udpPort);
    await waitUntil(
      () => countSince(party.members[0].client, 'ptpMediation_send', 0) >= 3,
      '3 reminders',
    );
    await reachPeersPhase(orion, party);
    for (const peer of party.everyone) sendSuccess(peer);
    for (const peer of party.everyone)
      await nextSince(peer.client, 'lobby_closed', marks.get(peer)!);
    expect(activeTimers(orion)).toBe(0);
    expect(ctx.timers.alive()).toEqual([]);
    await expectNoMediationMessages(party.everyone, SHORT_TIMEOUT_MS + 100);
    expect(activeTimers(orion)).toBe(0);
    // The phase timers were really created (and tracked), and all are cleared.
    expect(ctx.timers.created()).toBeGreaterThanOrEqual(3);
    expect(ctx.timers.alive()).toEqual([]);
  });

  it('sends no ptpMediation_* message after ptpMediation_aborted, and no server timer stays armed', async () => {
    const { orion, pool } = ctx;
    const party = await openParty(orion, pool, ['Host', 'Alice']);
    const marks = markAll(party.everyone);
    await start(orion, party);
    await expectAborted(party.everyone, marks);
    expect(activeTimers(orion)).toBe(0);
    expect(ctx.timers.alive()).toEqual([]);
    await expectNoMediationMessages(party.everyone);
    for (const peer of party.everyone) {
      expect(countSince(peer.client, 'ptpMediation_aborted', marks.get(peer)!)).toBe(1);
    }
    expect(activeTimers(orion)).toBe(0);
    expect(ctx.timers.alive()).toEqual([]);
  });
});
