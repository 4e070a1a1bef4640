import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import {
  ClientPool,
  createLobby,
  endpointOf,
  expectPeers,
  joinLobby,
  listLobbies,
  postStart,
  type Peer,
} from './support/flows/mediation-flows.js';
import { ReplicaGroup, type ReplicaProcess } from './support/orion/replica-processes.js';
import { markOf, nextSince } from './support/clients/received.js';
import { sleep, waitUntil } from './support/timing.js';

const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) console.warn('Replica process tests skipped: set REDIS_URL to run them.');

/** Short enough that a killed replica is cleaned up in about 1.25 s. */
const REPLICA_TIMEOUT_MS = 1_000;
/** How long survivors may take to clean up, with room for a loaded machine. */
const CLEANUP_BOUND_MS = REPLICA_TIMEOUT_MS * 1.25 + 2_500;

/**
 * Three real server processes on one Redis. Clients are spread over them on purpose: a
 * client's WebSocket on one replica, its HTTP calls to another, its UDP datagram to a third.
 */
describe.skipIf(!REDIS_URL)('three replica processes sharing one Redis', () => {
  const group = new ReplicaGroup(REDIS_URL ?? '', [
    '--replicaTimeoutMs',
    String(REPLICA_TIMEOUT_MS),
    '--ptpmConnectRequestIntervalMs',
    '60000',
    '--ptpmServerConnectTimeoutMs',
    '20000',
    '--ptpmConnectTimeoutMs',
    '20000',
    '--chatBurst',
    '100',
    '--httpRateLimit',
    '0',
    '--joinMissLimit',
    '0',
  ]);
  let a: ReplicaProcess;
  let b: ReplicaProcess;
  let c: ReplicaProcess;
  const pool = new ClientPool();

  beforeAll(async () => {
    [a, b, c] = await group.start('A', 'B', 'C');
  }, 30_000);
  afterEach(async () => {
    await pool.closeAll();
  });
  afterAll(async () => {
    await pool.closeAll();
    await group.stop();
  }, 30_000);

  it('mediates a lobby whose clients use a different replica for WS, HTTP and UDP', async () => {
    const host: Peer = { client: await pool.connect(a), name: 'Host' };
    const ann: Peer = { client: await pool.connect(b), name: 'Ann' };
    const bob: Peer = { client: await pool.connect(c), name: 'Bob' };
    // [WebSocket, HTTP, UDP] replica of each client.
    const routes = new Map<Peer, [ReplicaProcess, ReplicaProcess, ReplicaProcess]>([
      [host, [a, b, c]],
      [ann, [b, c, a]],
      [bob, [c, a, b]],
    ]);
    const created = await createLobby(routes.get(host)![1], host.client, 'Host', {
      lobbyName: 'Spread',
    });
    expect(created.status).toBe(201);
    const { lobbyId } = created.body as { lobbyId: string };
    for (const replica of [a, b, c]) {
      expect((await listLobbies(replica)).map((lobby) => lobby.id)).toContain(lobbyId);
    }
    expect((await joinLobby(routes.get(ann)![1], ann.client, lobbyId, 'Ann')).status).toBe(200);
    expect(await host.client.next('lobby_peerConnect')).toEqual({ lobbyId, peerName: 'Ann' });
    expect((await joinLobby(routes.get(bob)![1], bob.client, lobbyId, 'Bob')).status).toBe(200);
    expect(await host.client.next('lobby_peerConnect')).toEqual({ lobbyId, peerName: 'Bob' });
    expect(await ann.client.next('lobby_peerConnect')).toEqual({ lobbyId, peerName: 'Bob' });

    // Chat: every member sends in turn, then all at once; each line reaches everyone once,
    // each sender's lines in the order sent, and every member sees the same order.
    const everyone = [host, ann, bob];
    const marks = new Map(everyone.map((peer) => [peer, markOf(peer.client)]));
    for (const [round, sender] of everyone.entries()) {
      sender.client.send('lobby_messaging_send', {
        token: sender.client.token,
        lobbyId,
        message: `turn ${round}`,
      });
      for (const peer of everyone) {
        await waitUntil(
          () => chatLines(peer).includes(`${sender.name}: turn ${round}`),
          `${peer.name} to hear ${sender.name}'s turn`,
        );
      }
    }
    for (let i = 0; i < 10; i += 1) {
      for (const sender of everyone) {
        sender.client.send('lobby_messaging_send', {
          token: sender.client.token,
          lobbyId,
          message: `burst ${i}`,
        });
      }
    }
    for (const peer of everyone) {
      await waitUntil(() => chatLines(peer).length === 33, `${peer.name} to hear 33 lines`);
    }
    await sleep(200);
    for (const peer of everyone) {
      const lines = chatLines(peer);
      expect(lines).toHaveLength(33);
      expect(lines.slice(0, 3)).toEqual(['Host: turn 0', 'Ann: turn 1', 'Bob: turn 2']);
      for (const sender of everyone) {
        const fromSender = lines.filter((line) => line.startsWith(`${sender.name}: burst`));
        expect(fromSender).toEqual(
          Array.from({ length: 10 }, (_, i) => `${sender.name}: burst ${i}`),
        );
      }
      expect(lines).toEqual(chatLines(host));
    }

    // Mediation, started through B; every datagram goes to the client's third replica.
    expect((await postStart(routes.get(host)![1], host.client, lobbyId)).status).toBe(200);
    for (const peer of everyone) {
      const send = await nextSince(peer.client, 'ptpMediation_send', marks.get(peer)!);
      expect([a.udpPort, b.udpPort, c.udpPort]).toContain(send.port);
      await peer.client.sendUdp(routes.get(peer)![2].udpPort);
    }
    const hostStart = await nextSince(
      host.client,
      'ptpMediation_peersConnection_start',
      marks.get(host)!,
    );
    expectPeers(hostStart.peers, [await endpointOf(ann), await endpointOf(bob)]);
    for (const member of [ann, bob]) {
      const start = await nextSince(
        member.client,
        'ptpMediation_peersConnection_start',
        marks.get(member)!,
      );
      expectPeers(start.peers, [await endpointOf(host)]);
    }
    for (const peer of everyone) {
      peer.client.send('ptpMediation_peersConnection_success', { token: peer.client.token });
    }
    for (const peer of everyone) {
      expect(await nextSince(peer.client, 'ptpMediation_success', marks.get(peer)!)).toEqual({});
      expect(await nextSince(peer.client, 'lobby_closed', marks.get(peer)!)).toEqual({
        lobbyId,
        lobbyName: 'Spread',
      });
    }
    for (const replica of [a, b, c]) {
      expect((await listLobbies(replica)).map((lobby) => lobby.id)).not.toContain(lobbyId);
    }
  });

  it('lets exactly the free seats be taken when 50 clients on three replicas join at once', async () => {
    const replicas = [a, b, c];
    const host = await pool.connect(a);
    const created = await createLobby(b, host, 'Host', { maxMembers: 10 });
    const { lobbyId } = created.body as { lobbyId: string };
    const joiners = await Promise.all(
      Array.from({ length: 50 }, (_, i) => pool.connect(replicas[i % 3])),
    );
    const answers = await Promise.all(
      joiners.map((client, i) => joinLobby(replicas[(i + 1) % 3], client, lobbyId, `P${i}`)),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(9);
    expect(statuses.filter((status) => status === 409)).toHaveLength(41);
    const listed = (await listLobbies(c)).find((lobby) => lobby.id === lobbyId);
    expect(listed?.currentMembers).toBe(10);
    await waitUntil(
      () => host.all('lobby_peerConnect').length === 9,
      'the host to hear of 9 joins',
    );
    await sleep(200);
    expect(host.all('lobby_peerConnect')).toHaveLength(9);
  });

  it('never gives two lobbies created at once on different replicas the same id', async () => {
    const replicas = [a, b, c];
    const hosts = await Promise.all(
      Array.from({ length: 60 }, (_, i) => pool.connect(replicas[i % 3])),
    );
    const answers = await Promise.all(
      hosts.map((host, i) => createLobby(replicas[(i + 2) % 3], host, `H${i}`)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 201));
    const ids = answers.map((answer) => (answer.body as { lobbyId: string }).lobbyId);
    expect(new Set(ids).size).toBe(60);
  });

  it('drains only what its own clients take part in when one replica stops with SIGTERM', async () => {
    const [e] = await group.start('E');
    // Hosted on A, a member on E: stays open, hears that member leave.
    const host1 = await pool.connect(a);
    const l1 = (await createLobby(a, host1, 'One')).body.lobbyId as string;
    expect((await joinLobby(e, await pool.connect(e), l1, 'Leaver')).status).toBe(200);
    // Hosted on E: closes for its member on B.
    const host2 = await pool.connect(e);
    const l2 = (await createLobby(b, host2, 'Two')).body.lobbyId as string;
    const member2 = await pool.connect(b);
    expect((await joinLobby(b, member2, l2, 'Member')).status).toBe(200);
    // Hosted on A, mediating with a member on E: aborts because that server is going away.
    const host3 = await pool.connect(a);
    const l3 = (await createLobby(c, host3, 'Three')).body.lobbyId as string;
    expect((await joinLobby(c, await pool.connect(e), l3, 'Leaver')).status).toBe(200);
    expect((await postStart(a, host3, l3)).status).toBe(200);
    await host3.next('ptpMediation_send');
    // Hosted on A with everyone elsewhere: untouched.
    const host4 = await pool.connect(a);
    const l4 = (await createLobby(a, host4, 'Four')).body.lobbyId as string;
    const member4 = await pool.connect(c);
    expect((await joinLobby(c, member4, l4, 'Member')).status).toBe(200);
    await host4.next('lobby_peerConnect');

    const marks = [host1, member2, host3, host4, member4].map(markOf);
    e.process.child.kill('SIGTERM');
    expect(await e.process.exit(10_000)).toEqual({ code: 0, signal: null });

    expect(await nextSince(host1, 'lobby_peerDisconnect', marks[0])).toEqual({
      lobbyId: l1,
      peerName: 'Leaver',
    });
    expect(await nextSince(member2, 'lobby_closed', marks[1])).toEqual({
      lobbyId: l2,
      lobbyName: 'Two lobby',
    });
    expect(await nextSince(host3, 'ptpMediation_aborted', marks[2])).toEqual({
      abortReason: 'The server is shutting down.',
    });
    await sleep(300);
    expect(host1.received.slice(marks[0]).map((m) => m.method)).toEqual(['lobby_peerDisconnect']);
    expect(host4.received.slice(marks[3])).toEqual([]);
    expect(member4.received.slice(marks[4])).toEqual([]);
    expect((await listLobbies(a)).map((lobby) => lobby.id)).toEqual(
      expect.arrayContaining([l1, l3, l4]),
    );
  });

  it('cleans up after a replica killed with SIGKILL, within the bound, and keeps nothing of it', async () => {
    const [d] = await group.start('D');
    const idsBefore = await group.replicaIds();
    expect(idsBefore).toHaveLength(4);

    // Lobby 1, hosted on A: a member on D leaves with D.
    const host1 = await pool.connect(a);
    const l1 = (await createLobby(b, host1, 'One')).body.lobbyId as string;
    const stay1 = await pool.connect(b);
    expect((await joinLobby(c, stay1, l1, 'Stay')).status).toBe(200);
    const gone1 = await pool.connect(d);
    expect((await joinLobby(a, gone1, l1, 'Gone')).status).toBe(200);

    // Lobby 2, hosted on D: it closes for the members elsewhere.
    const host2 = await pool.connect(d);
    const l2 = (await createLobby(a, host2, 'Two')).body.lobbyId as string;
    const member2 = await pool.connect(c);
    expect((await joinLobby(b, member2, l2, 'Member')).status).toBe(200);

    // Lobby 3, hosted on B, mediating with a member on D: it aborts and unlocks.
    const host3 = await pool.connect(b);
    const l3 = (await createLobby(c, host3, 'Three', { maxMembers: 4 })).body.lobbyId as string;
    const stay3 = await pool.connect(a);
    expect((await joinLobby(a, stay3, l3, 'Stay')).status).toBe(200);
    const gone3 = await pool.connect(d);
    expect((await joinLobby(b, gone3, l3, 'Gone')).status).toBe(200);
    expect((await postStart(a, host3, l3)).status).toBe(200);
    await host3.next('ptpMediation_send');
    expect((await joinLobby(c, await pool.connect(c), l3, 'Late')).status).toBe(409);

    const marks = [host1, stay1, member2, host3, stay3].map(markOf);
    const killedAt = Date.now();
    d.process.child.kill('SIGKILL');
    await d.process.exit(5_000);

    const bound = CLEANUP_BOUND_MS;
    const gonePeer1 = { lobbyId: l1, peerName: 'Gone' };
    expect(await nextSince(host1, 'lobby_peerDisconnect', marks[0], bound)).toEqual(gonePeer1);
    expect(await nextSince(stay1, 'lobby_peerDisconnect', marks[1], bound)).toEqual(gonePeer1);
    expect(await nextSince(member2, 'lobby_closed', marks[2], bound)).toEqual({
      lobbyId: l2,
      lobbyName: 'Two lobby',
    });
    for (const [client, mark] of [
      [host3, marks[3]],
      [stay3, marks[4]],
    ] as const) {
      expect(await nextSince(client, 'ptpMediation_aborted', mark, bound)).toEqual({
        abortReason: 'Gone left the lobby.',
      });
      expect(await nextSince(client, 'lobby_peerDisconnect', mark, bound)).toEqual({
        lobbyId: l3,
        peerName: 'Gone',
      });
    }
    const cleanedUpInMs = Date.now() - killedAt;
    console.log(`replica killed: survivors cleaned up in ${cleanedUpInMs} ms`);

    // Nothing stays locked: lobby 3 takes a new member and can start again.
    expect((await joinLobby(c, await pool.connect(c), l3, 'Late')).status).toBe(200);
    expect((await postStart(b, host3, l3)).status).toBe(200);

    // Redis keeps nothing of D: no replica entry, no client, no key naming it.
    const idsAfter = await eventually(
      () => group.replicaIds(),
      (ids) => ids.length === 3,
      'Redis to forget the dead replica',
    );
    const deadIds = idsBefore.filter((id) => !idsAfter.includes(id));
    expect(deadIds).toHaveLength(1);
    const [deadId] = deadIds;
    expect((await group.clientRecords()).filter((r) => r.replicaId === deadId)).toEqual([]);
    expect(await group.keysMentioning(deadId)).toEqual([]);
    // The lobby D hosted is gone from every replica's listing.
    expect((await listLobbies(a)).map((lobby) => lobby.id)).not.toContain(l2);
    const lobby2 = await request(b.httpUrl).post(`/lobbies/${l2}/join`).send({
      token: member2.token,
      peerName: 'Again',
    });
    expect(lobby2.status).toBe(409);
  });
});

/** The chat lines a peer has received, as "sender: message". */
function chatLines(peer: Peer): string[] {
  return peer.client
    .all('lobby_messaging_received')
    .map(({ message }) => `${message.senderName}: ${message.message}`);
}

/** Polls `read` until `done` holds of its answer, failing with `what` after `timeoutMs`. */
async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 3_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms: ${what}`);
    await sleep(50);
  }
}
