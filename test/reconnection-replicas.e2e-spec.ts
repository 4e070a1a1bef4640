import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '@orion/protocol';
import { ClientsService } from '../src/clients/clients.service.js';
import { ReconnectionService } from '../src/clients/reconnection.service.js';
import { RecentChat } from '../src/connections/recent-chat.js';
import { countSince, markOf, methodsSince, nextSince } from './support/clients/received.js';
import type { TestClient } from './support/clients/test-client.js';
import {
  ClientPool,
  createLobby,
  endpointOf,
  expectPeers,
  joinLobby,
  postStart,
  sendSuccess,
  type Peer,
} from './support/flows/mediation-flows.js';
import { reconnectionChurn } from './support/flows/reconnection-churn.js';
import {
  closeCodeOf,
  dropConnection,
  resume,
  waitForClientCount,
} from './support/flows/reconnection-flows.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import { expectNothingLeft as expectNothingLeftOn } from './support/orion/nothing-left.js';
import { stateCounts } from './support/orion/state-invariants.js';
import { seedFromEnv } from './support/seeded-random.js';
import { waitUntil } from './support/timing.js';

/** Random unless CHURN_SEED is set; in the test's name, to replay a failure. */
const CHURN_SEED = seedFromEnv('CHURN_SEED');
const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) console.warn('Reconnection through replicas skipped: set REDIS_URL to run it.');

const NORMAL_CLOSURE = 1000;
const GRACE_MS = 3_000;

const chat = (client: TestClient, lobbyId: string, message: string) =>
  client.send('lobby_messaging_send', { token: client.token, lobbyId, message });

/**
 * Two replicas sharing one Redis: a client that drops from one comes back through the other
 * (a load balancer sends its new socket wherever it likes).
 */
describe.skipIf(!REDIS_URL)('reconnection through another replica', () => {
  let a: OrionTestApp;
  let b: OrionTestApp;
  const pool = new ClientPool();
  const tokens = new Set<string>();

  /** Host on `hostOn`; each member on the replica given with it. */
  async function party(hostOn: OrionTestApp, members: [string, OrionTestApp][]) {
    const host: Peer = { client: await pool.connect(hostOn), name: 'Ann' };
    const created = await createLobby(hostOn, host.client, 'Ann');
    expect(created.status).toBe(201);
    const { lobbyId } = created.body as { lobbyId: string };
    const joined: Peer[] = [];
    for (const [name, replica] of members) {
      const client = await pool.connect(replica);
      expect((await joinLobby(replica, client, lobbyId, name)).status).toBe(200);
      joined.push({ client, name });
      // Across replicas the host hears of a join a moment later: a test's marks come after.
      await waitUntil(
        () => host.client.all('lobby_peerConnect').some((joiner) => joiner.peerName === name),
        `the host hears ${name} join`,
      );
    }
    for (const peer of [host, ...joined]) tokens.add(peer.client.token);
    return { lobbyId, host, members: joined };
  }

  async function resumedOn(replica: OrionTestApp, token: string, chatReceived?: number) {
    const result = await resume(replica, pool, token, chatReceived);
    tokens.add(result.freshToken);
    return result;
  }

  /** Nothing left on either replica once every socket has closed (see nothing-left.ts). */
  async function expectNothingLeft(): Promise<void> {
    for (const replica of [a, b]) await expectNothingLeftOn(replica, 10_000);
  }

  beforeAll(async () => {
    const shared = {
      redisUrl: REDIS_URL,
      redisKeyPrefix: `{orion-e2e-${randomUUID()}}:`,
      reconnectGraceMs: GRACE_MS,
      chatRatePerSecond: 1_000,
      chatBurst: 1_000,
      ptpmConnectRequestIntervalMs: 60_000,
      ptpmServerConnectTimeoutMs: 10_000,
      ptpmConnectTimeoutMs: 10_000,
    };
    a = await startOrion(shared);
    b = await startOrion(shared);
  });
  afterEach(async () => {
    await pool.closeAll(NORMAL_CLOSURE);
    await expectNothingLeft();
  });
  afterAll(async () => {
    for (const replica of [a, b]) {
      for (const token of tokens) expect(replica?.logger.text ?? '').not.toContain(token);
    }
    await a?.close();
    await b?.close();
  });

  it('a member away on A comes back through B, with the chat A kept for it', async () => {
    const { lobbyId, host, members } = await party(a, [
      ['Bob', a],
      ['Cid', b],
    ]);
    const [bob, cid] = members;
    const hostMark = markOf(host.client);
    const cidMark = markOf(cid.client);
    const bobId = await a.app.get(ClientsService).resolveToken(bob.client.token);

    await dropConnection(bob.client);
    await nextSince(host.client, 'lobby_peerAway', hostMark);
    for (let i = 1; i <= 3; i++) chat(host.client, lobbyId, `while away ${i}`);
    const kept = a.app.get(RecentChat);
    await waitUntil(() => kept.peek(bobId).length === 3, 'A keeps three messages');

    const { client, summary } = await resumedOn(b, bob.client.token);
    expect(summary).toMatchObject({
      lobby: { lobbyId, members: ['Ann', 'Bob', 'Cid'] },
      missedChat: 3,
    });
    await waitUntil(
      () => client.all('lobby_messaging_received').length === 3,
      'the chat kept on A, replayed through B',
    );
    expect(client.all('lobby_messaging_received').map((m) => m.message.message)).toEqual([
      'while away 1',
      'while away 2',
      'while away 3',
    ]);
    // A let go: no grace timer, no chat held for Bob there any more.
    expect(a.app.get(ReconnectionService).awayCount).toBe(0);
    expect(kept.has(bobId)).toBe(false);

    for (const [peer, mark] of [
      [host, hostMark],
      [cid, cidMark],
    ] as const) {
      await nextSince(peer.client, 'lobby_peerBack', mark);
      const presence = methodsSince(peer.client, mark).filter((m) => m.startsWith('lobby_peer'));
      expect(presence).toEqual(['lobby_peerAway', 'lobby_peerBack']);
    }
    // Bob is on B now: what the lobby says reaches him there, and he speaks as Bob.
    const mark = markOf(host.client);
    chat(client, lobbyId, 'back through B');
    expect(await nextSince(host.client, 'lobby_messaging_received', mark)).toMatchObject({
      message: { senderName: 'Bob', message: 'back through B' },
    });
    chat(host.client, lobbyId, 'welcome back');
    await waitUntil(
      () =>
        client.all('lobby_messaging_received').some((m) => m.message.message === 'welcome back'),
      'chat reaches Bob on B',
    );
    // The grace A had started must not end Bob later.
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 300));
    expect(countSince(host.client, 'lobby_peerDisconnect', hostMark)).toBe(0);
    expect((await stateCounts(a.app)).clients).toBe(3);
  });

  it('with chatReceived, B replays exactly what the client has not seen of the chat A kept', async () => {
    const { lobbyId, host, members } = await party(a, [['Bob', a]]);
    const [bob] = members;
    chat(host.client, lobbyId, 'm1');
    chat(host.client, lobbyId, 'm2');
    await waitUntil(() => bob.client.all('lobby_messaging_received').length === 2, 'Bob has two');
    const hostMark = markOf(host.client);
    await dropConnection(bob.client);
    await nextSince(host.client, 'lobby_peerAway', hostMark);
    chat(host.client, lobbyId, 'm3');
    const bobId = await a.app.get(ClientsService).resolveToken(bob.client.token);
    await waitUntil(() => a.app.get(RecentChat).peek(bobId).length === 3, 'A keeps m3');

    const { client, summary } = await resumedOn(b, bob.client.token, 1);
    expect(summary.missedChat).toBe(2);
    await waitUntil(() => client.all('lobby_messaging_received').length === 2, 'two replayed');
    expect(client.all('lobby_messaging_received').map((m) => m.message.message)).toEqual([
      'm2',
      'm3',
    ]);
    // B counts on from A's count: after one more message, a resume (through A again) from 4
    // replays nothing.
    chat(host.client, lobbyId, 'm4');
    await waitUntil(() => client.all('lobby_messaging_received').length === 3, 'm4 arrives');
    await dropConnection(client);
    const again = await resumedOn(a, bob.client.token, 4);
    expect(again.summary.missedChat).toBe(0);
  });

  it('a client whose old socket A still thinks open is taken over through B: 4001 there, silence in the lobby', async () => {
    const { lobbyId, host, members } = await party(a, [['Bob', a]]);
    const [bob] = members;
    const hostMark = markOf(host.client);
    const oldClosed = closeCodeOf(bob.client);

    const { client, summary } = await resumedOn(b, bob.client.token);
    expect(await oldClosed).toBe(CloseCode.RESUMED_ELSEWHERE);
    expect(summary).toEqual({
      lobby: {
        lobbyId,
        lobbyName: expect.any(String),
        host: 'Ann',
        members: ['Ann', 'Bob'],
        locked: false,
      },
      mediation: null,
      missedChat: 0,
    });
    const mark = markOf(host.client);
    chat(client, lobbyId, 'moved to B');
    expect(await nextSince(host.client, 'lobby_messaging_received', mark)).toMatchObject({
      message: { senderName: 'Bob', message: 'moved to B' },
    });
    // Never away, so never back; and A's close of the old socket was no departure.
    expect(methodsSince(host.client, hostMark).filter((m) => m.startsWith('lobby_peer'))).toEqual(
      [],
    );
    await waitForClientCount(() => a.app.get(ClientsService).count(), 2);
  });

  it('a host that drops while peers connect comes back through the other replica, and the mediation completes', async () => {
    const { lobbyId, host, members } = await party(a, [['Bob', b]]);
    const [bob] = members;
    expect((await postStart(b, host.client, lobbyId)).status).toBe(200);
    for (const peer of [host, bob]) {
      await peer.client.next('ptpMediation_send');
      await peer.client.sendUdp(a.udpPort);
    }
    await host.client.next('ptpMediation_peersConnection_start');
    await bob.client.next('ptpMediation_peersConnection_start');

    await dropConnection(host.client);
    await bob.client.next('lobby_peerAway');
    sendSuccess(bob);
    const { client, summary } = await resumedOn(b, host.client.token);
    expect(summary).toMatchObject({
      lobby: { lobbyId, locked: true },
      mediation: { phase: 'connecting' },
    });
    const again = await client.next('ptpMediation_peersConnection_start');
    expectPeers(again.peers, [await endpointOf(bob)]);
    sendSuccess({ client, name: 'Ann' });
    for (const peer of [client, bob.client]) {
      await peer.next('ptpMediation_success');
      await peer.next('lobby_closed');
    }
    expect(bob.client.all('ptpMediation_aborted')).toEqual([]);
  });

  it('a member that drops while its packet is awaited gets ptpMediation_send again through the other replica', async () => {
    const { lobbyId, host, members } = await party(b, [['Bob', a]]);
    const [bob] = members;
    expect((await postStart(b, host.client, lobbyId)).status).toBe(200);
    await bob.client.next('ptpMediation_send');
    await host.client.next('ptpMediation_send');
    await host.client.sendUdp(b.udpPort);

    await dropConnection(bob.client);
    await host.client.next('lobby_peerAway');
    const { client, summary } = await resumedOn(b, bob.client.token);
    expect(summary.mediation).toEqual({ phase: 'collecting' });
    expect(await client.next('ptpMediation_send')).toEqual({ port: b.udpPort });
    await client.sendUdp(a.udpPort);
    await client.next('ptpMediation_peersConnection_start');
    await host.client.next('ptpMediation_peersConnection_start');
    sendSuccess(host);
    sendSuccess({ client, name: 'Bob' });
    for (const peer of [host.client, client]) {
      await peer.next('ptpMediation_success');
      await peer.next('lobby_closed');
    }
  });

  it(`churn (seed ${CHURN_SEED}): random drops, resumes through either replica and expiries end with nothing left`, async () => {
    await reconnectionChurn({
      servers: [a, b],
      pool,
      graceMs: GRACE_MS,
      seed: CHURN_SEED,
      onToken: (token) => tokens.add(token),
    });
  });
});
