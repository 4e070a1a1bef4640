import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '@orion/protocol';
import { ClientsService } from '../src/clients/clients.service.js';
import { RecentChat, RECENT_CHAT_LIMIT } from '../src/connections/recent-chat.js';
import { DrainService } from '../src/shutdown/drain.service.js';
import { countSince, markOf, methodsSince, nextSince } from './support/clients/received.js';
import { TestClient } from './support/clients/test-client.js';
import {
  ClientPool,
  createLobby,
  endpointOf,
  expectPeers,
  joinLobby,
  openParty,
  postStart,
  sendSuccess,
  type Party,
} from './support/flows/mediation-flows.js';
import {
  closeCodeOf,
  dropConnection,
  resume,
  sendResume,
} from './support/flows/reconnection-flows.js';
import { reconnectionChurn } from './support/flows/reconnection-churn.js';
import { metricValue } from './support/orion/metrics.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import { expectNothingLeft } from './support/orion/nothing-left.js';
import { seedFromEnv } from './support/seeded-random.js';
import { settledStateViolations, stateCounts } from './support/orion/state-invariants.js';
import { sleep, waitUntil } from './support/timing.js';

/** A clean close: the client leaves at once, reconnection or not. */
/** Random unless CHURN_SEED is set; in the test's name, to replay a failure. */
const CHURN_SEED = seedFromEnv('CHURN_SEED');
const NORMAL_CLOSURE = 1000;

/** Long enough for a test to resume within it on a busy machine. */
const GRACE_MS = 1_500;

/** Every token a test saw: none may appear in the server's log. */
const tokensSeen = new Set<string>();
const remember = (...tokens: string[]) => tokens.forEach((token) => tokensSeen.add(token));

function expectNoTokenLogged(orion: OrionTestApp): void {
  const log = orion.logger.text;
  expect(log.length).toBeGreaterThan(0);
  for (const token of tokensSeen) expect(log).not.toContain(token);
}

const chat = (client: TestClient, lobbyId: string, message: string) =>
  client.send('lobby_messaging_send', { token: client.token, lobbyId, message });

describe('reconnection (--reconnectGraceMs)', () => {
  let orion: OrionTestApp;
  const pool = new ClientPool();

  /** A party whose tokens are remembered for the log check. */
  async function party(names: string[]): Promise<Party> {
    const opened = await openParty(orion, pool, names);
    remember(...opened.everyone.map((peer) => peer.client.token));
    return opened;
  }

  async function resumed(token: string, chatReceived?: number) {
    const result = await resume(orion, pool, token, chatReceived);
    remember(result.freshToken);
    return result;
  }

  beforeAll(async () => {
    orion = await startOrion({
      reconnectGraceMs: GRACE_MS,
      chatRatePerSecond: 1_000,
      chatBurst: 1_000,
      // Reminders and timeouts out of the way: a test sees only what a resume re-sends.
      ptpmConnectRequestIntervalMs: 60_000,
      ptpmServerConnectTimeoutMs: 10_000,
      ptpmConnectTimeoutMs: 10_000,
    });
  });
  afterEach(async () => {
    await pool.closeAll(NORMAL_CLOSURE);
    await expectNothingLeft(orion);
    expect(await settledStateViolations(orion.app)).toEqual([]);
  });
  afterAll(async () => {
    expectNoTokenLogged(orion);
    await orion.close();
  });

  it('a member whose connection drops is away for the others, then back, with the lobby and the latest chat it missed', async () => {
    const { lobbyId, lobbyName, host, members } = await party(['Ann', 'Bob', 'Cid']);
    const [bob, cid] = members;
    const hostMark = markOf(host.client);
    const cidMark = markOf(cid.client);

    await dropConnection(bob.client);
    for (const [peer, mark] of [
      [host, hostMark],
      [cid, cidMark],
    ] as const) {
      expect(await nextSince(peer.client, 'lobby_peerAway', mark)).toEqual({
        lobbyId,
        peerName: 'Bob',
      });
    }
    const sent = RECENT_CHAT_LIMIT + 5;
    for (let i = 1; i <= sent; i++) chat(host.client, lobbyId, `message ${i}`);
    await waitUntil(
      () => countSince(cid.client, 'lobby_messaging_received', cidMark) === sent,
      'Cid has every message',
    );
    // With Redis, chat for a client without a socket here travels through its replica's
    // channel (this one): it is kept once it is back.
    const bobId = await orion.app.get(ClientsService).resolveToken(bob.client.token);
    const recentChat = orion.app.get(RecentChat);
    await waitUntil(
      () => recentChat.peek(bobId).at(-1)?.message.message === `message ${sent}`,
      'the last message kept for Bob',
    );

    const { client, summary } = await resumed(bob.client.token);
    expect(summary).toEqual({
      lobby: { lobbyId, lobbyName, host: 'Ann', members: ['Ann', 'Bob', 'Cid'], locked: false },
      mediation: null,
      missedChat: RECENT_CHAT_LIMIT,
    });
    await waitUntil(
      () => client.all('lobby_messaging_received').length === RECENT_CHAT_LIMIT,
      'the missed chat replayed',
    );
    const replayed = client.all('lobby_messaging_received').map((m) => m.message.message);
    expect(replayed).toEqual(
      Array.from(
        { length: RECENT_CHAT_LIMIT },
        (_, i) => `message ${sent - RECENT_CHAT_LIMIT + i + 1}`,
      ),
    );
    // The summary comes first, then the chat, in the order it was sent.
    expect(client.methods.slice(0, 2)).toEqual(['client_registered', 'client_resumed']);

    for (const [peer, mark] of [
      [host, hostMark],
      [cid, cidMark],
    ] as const) {
      expect(await nextSince(peer.client, 'lobby_peerBack', mark)).toEqual({
        lobbyId,
        peerName: 'Bob',
      });
      const presence = methodsSince(peer.client, mark).filter((m) => m.startsWith('lobby_peer'));
      expect(presence).toEqual(['lobby_peerAway', 'lobby_peerBack']);
    }

    // The resumed socket is Bob, with Bob's token: it chats as Bob.
    const annMark = markOf(host.client);
    chat(client, lobbyId, 'back again');
    expect(await nextSince(host.client, 'lobby_messaging_received', annMark)).toMatchObject({
      lobbyId,
      message: { senderName: 'Bob', message: 'back again' },
    });
    // Bob's fresh client was dropped: three clients, as before the drop.
    expect((await stateCounts(orion.app)).clients).toBe(3);
    expect(countSince(host.client, 'lobby_peerDisconnect', hostMark)).toBe(0);
  });

  it("with chatReceived, replays exactly the chat after the client's own count, even what its old socket was sent", async () => {
    const { lobbyId, host, members } = await party(['Ann', 'Bob']);
    const [bob] = members;
    for (let i = 1; i <= 5; i++) chat(host.client, lobbyId, `m${i}`);
    await waitUntil(() => bob.client.all('lobby_messaging_received').length === 5, 'Bob has five');
    const hostMark = markOf(host.client);
    await dropConnection(bob.client);
    await nextSince(host.client, 'lobby_peerAway', hostMark);
    chat(host.client, lobbyId, 'm6');
    chat(host.client, lobbyId, 'm7');
    const bobId = await orion.app.get(ClientsService).resolveToken(bob.client.token);
    await waitUntil(
      () => orion.app.get(RecentChat).peek(bobId).at(-1)?.message.message === 'm7',
      'm7 kept for Bob',
    );
    // Bob says he read three: the two his old socket was sent too late come again.
    const { client, summary } = await resumed(bob.client.token, 3);
    expect(summary.missedChat).toBe(4);
    await waitUntil(() => client.all('lobby_messaging_received').length === 4, 'four replayed');
    expect(client.all('lobby_messaging_received').map((m) => m.message.message)).toEqual([
      'm4',
      'm5',
      'm6',
      'm7',
    ]);
    // His count goes on from there: a second drop replays only what came after.
    chat(host.client, lobbyId, 'm8');
    await waitUntil(() => client.all('lobby_messaging_received').length === 5, 'm8 arrives');
    await dropConnection(client);
    chat(host.client, lobbyId, 'm9');
    await waitUntil(
      () => orion.app.get(RecentChat).peek(bobId).at(-1)?.message.message === 'm9',
      'm9 kept for Bob',
    );
    const again = await resumed(bob.client.token, 8);
    expect(again.summary.missedChat).toBe(1);
    await waitUntil(() => again.client.all('lobby_messaging_received').length === 1, 'm9 replayed');
    expect(again.client.all('lobby_messaging_received')[0].message.message).toBe('m9');
  });

  it('a member that drops while its UDP packet is awaited gets ptpMediation_send again, and mediation completes', async () => {
    const { lobbyId, host, members } = await party(['Ann', 'Bob']);
    const [bob] = members;
    expect((await postStart(orion, host.client, lobbyId)).status).toBe(200);
    await bob.client.next('ptpMediation_send');
    await host.client.next('ptpMediation_send');
    await host.client.sendUdp(orion.udpPort);

    await dropConnection(bob.client);
    await host.client.next('lobby_peerAway');
    const { client, summary } = await resumed(bob.client.token);
    expect(summary.lobby).toMatchObject({ lobbyId, locked: true, members: ['Ann', 'Bob'] });
    expect(summary.mediation).toEqual({ phase: 'collecting' });
    expect(await client.next('ptpMediation_send')).toEqual({ port: orion.udpPort });
    expect(client.methods.indexOf('client_resumed')).toBeLessThan(
      client.methods.indexOf('ptpMediation_send'),
    );

    const resumedBob = { client, name: 'Bob' };
    await client.sendUdp(orion.udpPort);
    const hostStart = await host.client.next('ptpMediation_peersConnection_start');
    expectPeers(hostStart.peers, [await endpointOf(resumedBob)]);
    const bobStart = await client.next('ptpMediation_peersConnection_start');
    expectPeers(bobStart.peers, [await endpointOf(host)]);
    sendSuccess(host);
    sendSuccess(resumedBob);
    for (const peer of [host.client, client]) {
      await peer.next('ptpMediation_success');
      await peer.next('lobby_closed');
    }
    expect(host.client.all('ptpMediation_aborted')).toEqual([]);
  });

  it('a member that drops while peers connect does not abort the mediation; it gets its peers again and completes', async () => {
    const { lobbyId, host, members } = await party(['Ann', 'Bob']);
    const [bob] = members;
    expect((await postStart(orion, host.client, lobbyId)).status).toBe(200);
    for (const peer of [host, bob]) {
      await peer.client.next('ptpMediation_send');
      await peer.client.sendUdp(orion.udpPort);
    }
    await bob.client.next('ptpMediation_peersConnection_start');
    await host.client.next('ptpMediation_peersConnection_start');
    const hostEndpoint = await endpointOf(host);

    await dropConnection(bob.client);
    await host.client.next('lobby_peerAway');
    sendSuccess(host);
    await sleep(300);
    expect(host.client.all('ptpMediation_aborted')).toEqual([]);

    const { client, summary } = await resumed(bob.client.token);
    expect(summary.mediation).toEqual({ phase: 'connecting' });
    const again = await client.next('ptpMediation_peersConnection_start');
    expectPeers(again.peers, [hostEndpoint]);
    sendSuccess({ client, name: 'Bob' });
    for (const peer of [host.client, client]) {
      await peer.next('ptpMediation_success');
      await peer.next('lobby_closed');
    }
    expect(host.client.all('ptpMediation_aborted')).toEqual([]);
  });

  it('a host whose connection drops keeps its lobby and its host role', async () => {
    const { lobbyId, lobbyName, host, members } = await party(['Ann', 'Bob']);
    const [bob] = members;
    await dropConnection(host.client);
    expect(await bob.client.next('lobby_peerAway')).toEqual({ lobbyId, peerName: 'Ann' });
    const { client, summary } = await resumed(host.client.token);
    expect(summary.lobby).toEqual({
      lobbyId,
      lobbyName,
      host: 'Ann',
      members: ['Ann', 'Bob'],
      locked: false,
    });
    expect(await bob.client.next('lobby_peerBack')).toEqual({ lobbyId, peerName: 'Ann' });
    expect(bob.client.all('lobby_closed')).toEqual([]);
    // Still the host: it may start mediation.
    expect((await postStart(orion, client, lobbyId)).status).toBe(200);
    await client.next('ptpMediation_send');
  });

  it('refuses a wrong token as unknown_client; the socket stays a new client that works', async () => {
    const client = await pool.connect(orion);
    remember(client.token);
    client.send('client_resume', { token: 'not-a-token-anyone-holds' });
    expect(await client.next('client_resumeRefused')).toEqual({ reason: 'unknown_client' });
    const created = await createLobby(orion, client, 'Eve');
    expect(created.status).toBe(201);
  });

  it('after the grace the lobby hears lobby_peerDisconnect, and the old token is refused like any unknown one', async () => {
    const { lobbyId, host, members } = await party(['Ann', 'Bob']);
    const [bob] = members;
    const mark = markOf(host.client);
    const droppedAt = Date.now();
    await dropConnection(bob.client);
    expect(await nextSince(host.client, 'lobby_peerDisconnect', mark, GRACE_MS + 3_000)).toEqual({
      lobbyId,
      peerName: 'Bob',
    });
    expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(GRACE_MS - 50);
    expect(methodsSince(host.client, mark)).toEqual(['lobby_peerAway', 'lobby_peerDisconnect']);

    const { client, freshToken } = await sendResume(orion, pool, bob.client.token);
    remember(freshToken);
    expect(await client.next('client_resumeRefused')).toEqual({ reason: 'unknown_client' });
    expect((await joinLobby(orion, client, lobbyId, 'Bob')).status).toBe(200);
  });

  it('a host that does not come back closes its lobby when the grace ends', async () => {
    const { lobbyId, lobbyName, host, members } = await party(['Ann', 'Bob']);
    const [bob] = members;
    await dropConnection(host.client);
    await bob.client.next('lobby_peerAway');
    expect(await bob.client.next('lobby_closed', GRACE_MS + 3_000)).toEqual({ lobbyId, lobbyName });
  });

  it('a clean close (1000) leaves at once, without lobby_peerAway', async () => {
    const { lobbyId, host, members } = await party(['Ann', 'Bob']);
    const mark = markOf(host.client);
    await members[0].client.close(NORMAL_CLOSURE);
    expect(await nextSince(host.client, 'lobby_peerDisconnect', mark, 500)).toEqual({
      lobbyId,
      peerName: 'Bob',
    });
    expect(methodsSince(host.client, mark)).toEqual(['lobby_peerDisconnect']);
  });

  it('refuses a resume from a socket whose client is in a lobby (in_lobby)', async () => {
    const { host, members } = await party(['Ann', 'Bob']);
    host.client.send('client_resume', { token: members[0].client.token });
    expect(await host.client.next('client_resumeRefused')).toEqual({ reason: 'in_lobby' });
    expect(members[0].client.isOpen).toBe(true);
  });

  it('takes over a client whose old socket is still open, closing that one with 4001; the lobby hears nothing', async () => {
    const { lobbyId, host, members } = await party(['Ann', 'Bob']);
    const [bob] = members;
    const mark = markOf(host.client);
    const oldClosed = closeCodeOf(bob.client);
    const { client, summary } = await resumed(bob.client.token);
    expect(await oldClosed).toBe(CloseCode.RESUMED_ELSEWHERE);
    expect(summary.lobby).toMatchObject({ lobbyId, members: ['Ann', 'Bob'] });
    await sleep(200);
    expect(methodsSince(host.client, mark)).toEqual([]);
    chat(client, lobbyId, 'same Bob');
    expect(await host.client.next('lobby_messaging_received')).toMatchObject({
      message: { senderName: 'Bob', message: 'same Bob' },
    });
    expect((await stateCounts(orion.app)).clients).toBe(2);
  });

  it('two sockets racing to resume one client: one ends attached, the other is closed with 4001, nothing leaks', async () => {
    const { lobbyId, host, members } = await party(['Ann', 'Bob']);
    const [bob] = members;
    const mark = markOf(host.client);
    await dropConnection(bob.client);
    await nextSince(host.client, 'lobby_peerAway', mark);
    const [first, second] = await Promise.all([pool.connect(orion), pool.connect(orion)]);
    remember(first.token, second.token);
    const closes = [first, second].map((client) =>
      closeCodeOf(client).then((code) => ({ client, code })),
    );
    first.send('client_resume', { token: bob.client.token });
    second.send('client_resume', { token: bob.client.token });

    const loser = await Promise.race(closes);
    expect(loser.code).toBe(CloseCode.RESUMED_ELSEWHERE);
    const winner = loser.client === first ? second : first;
    await winner.next('client_resumed');
    await sleep(200);
    expect(winner.isOpen).toBe(true);
    expect(loser.client.isOpen).toBe(false);
    expect(countSince(host.client, 'lobby_peerBack', mark)).toBe(1);
    expect(countSince(host.client, 'lobby_peerDisconnect', mark)).toBe(0);
    expect((await stateCounts(orion.app)).clients).toBe(2);

    winner.token = bob.client.token;
    chat(winner, lobbyId, 'the winner');
    expect(await host.client.next('lobby_messaging_received')).toMatchObject({
      message: { senderName: 'Bob', message: 'the winner' },
    });
  });

  it(`churn (seed ${CHURN_SEED}): random drops, half-open takeovers, resumes and expiries end with nothing left`, async () => {
    await reconnectionChurn({
      servers: [orion],
      pool,
      graceMs: GRACE_MS,
      seed: CHURN_SEED,
      rounds: 3,
      onToken: remember,
    });
  });

  it('answers an invalid client_resume with nothing, and leaves the socket usable', async () => {
    const client = await pool.connect(orion);
    remember(client.token);
    const rejected = await metricValue(orion, 'orion_ws_frames_total{result="rejected"}');
    client.send('client_resume', { token: 42 });
    await waitUntil(
      async () =>
        (await metricValue(orion, 'orion_ws_frames_total{result="rejected"}')) === rejected + 1,
      'the frame counted as rejected',
    );
    expect(client.methods).toEqual(['client_registered']);
    expect((await createLobby(orion, client, 'Fay')).status).toBe(201);
  });
});

describe('reconnection: what gets no grace', () => {
  let orion: OrionTestApp;
  const pool = new ClientPool();

  beforeAll(async () => {
    orion = await startOrion({
      reconnectGraceMs: 5_000,
      wsHeartbeatIntervalMs: 100,
      maxFrameBytes: 1_024,
    });
  });
  afterEach(async () => {
    await pool.closeAll(NORMAL_CLOSURE);
  });
  afterAll(async () => {
    await expectNothingLeft(orion);
    await orion.close();
  });

  it('a client the heartbeat ends (it stopped answering pings) leaves at once', async () => {
    const host = await pool.connect(orion);
    const created = await createLobby(orion, host, 'Ann');
    const { lobbyId } = created.body as { lobbyId: string };
    // Answers pings by hand until it has joined, then goes silent.
    const silent = await TestClient.connect(orion.wsUrl, '/', { autoPong: false });
    let answering = true;
    silent.ws.on('ping', (data) => answering && silent.ws.pong(data));
    expect((await joinLobby(orion, silent, lobbyId, 'Bob')).status).toBe(200);
    const mark = markOf(host);
    answering = false;
    expect(await nextSince(host, 'lobby_peerDisconnect', mark)).toEqual({
      lobbyId,
      peerName: 'Bob',
    });
    expect(methodsSince(host, mark)).toEqual(['lobby_peerDisconnect']);
    await silent.close(NORMAL_CLOSURE);
  });

  it('a client closed for a message over maxFrameBytes (1009) leaves at once', async () => {
    const { lobbyId, host, members } = await openParty(orion, pool, ['Ann', 'Bob']);
    const mark = markOf(host.client);
    const closed = closeCodeOf(members[0].client);
    members[0].client.send('lobby_messaging_send', {
      token: members[0].client.token,
      lobbyId,
      message: 'x'.repeat(2_048),
    });
    expect(await closed).toBe(1009);
    expect(await nextSince(host.client, 'lobby_peerDisconnect', mark)).toEqual({
      lobbyId,
      peerName: 'Bob',
    });
    expect(methodsSince(host.client, mark)).toEqual(['lobby_peerDisconnect']);
  });
});

describe('reconnection off (--reconnectGraceMs 0, the default)', () => {
  let orion: OrionTestApp;
  const pool = new ClientPool();

  beforeAll(async () => {
    orion = await startOrion();
  });
  afterEach(async () => {
    await pool.closeAll(NORMAL_CLOSURE);
  });
  afterAll(async () => {
    await expectNothingLeft(orion);
    await orion.close();
  });

  it('client_resume is an unknown method, and a dropped connection leaves at once', async () => {
    const { lobbyId, host, members } = await openParty(orion, pool, ['Ann', 'Bob']);
    const unknown = await metricValue(orion, 'orion_ws_frames_total{result="unknown_method"}');
    const stranger = await pool.connect(orion);
    stranger.send('client_resume', { token: members[0].client.token });
    await waitUntil(
      async () =>
        (await metricValue(orion, 'orion_ws_frames_total{result="unknown_method"}')) ===
        unknown + 1,
      'the frame counted as an unknown method',
    );
    expect(stranger.methods).toEqual(['client_registered']);

    const mark = markOf(host.client);
    await dropConnection(members[0].client);
    expect(await nextSince(host.client, 'lobby_peerDisconnect', mark, 500)).toEqual({
      lobbyId,
      peerName: 'Bob',
    });
    expect(methodsSince(host.client, mark)).toEqual(['lobby_peerDisconnect']);
    expect((await request(orion.httpUrl).get('/lobbies')).body.lobbies[0].currentMembers).toBe(1);
  });
});

describe('reconnection and the drain', () => {
  const pool = new ClientPool();
  afterEach(async () => {
    await pool.closeAll(NORMAL_CLOSURE);
  });

  it('a host away when the server drains is treated as here: its mediation aborts, then its lobby closes, and the metrics saw it away', async () => {
    const orion = await startOrion({
      reconnectGraceMs: 10_000,
      ptpmServerConnectTimeoutMs: 10_000,
    });
    try {
      const { lobbyId, host, members } = await openParty(orion, pool, ['Ann', 'Bob']);
      const [bob] = members;
      expect((await postStart(orion, host.client, lobbyId)).status).toBe(200);
      await bob.client.next('ptpMediation_send');
      const mark = markOf(bob.client);
      await dropConnection(host.client);
      await nextSince(bob.client, 'lobby_peerAway', mark);
      expect(await metricValue(orion, 'orion_away_clients')).toBe(1);
      expect(await metricValue(orion, 'orion_connected_clients')).toBe(2);

      await orion.app.get(DrainService).drain();
      expect(await nextSince(bob.client, 'ptpMediation_aborted', mark)).toMatchObject({});
      await nextSince(bob.client, 'lobby_closed', mark);
      const methods = methodsSince(bob.client, mark);
      expect(methods.indexOf('ptpMediation_aborted')).toBeLessThan(methods.indexOf('lobby_closed'));
    } finally {
      await pool.closeAll(NORMAL_CLOSURE);
      await orion.close();
    }
  });

  it('counts each answer to client_resume by outcome', async () => {
    const orion = await startOrion({ reconnectGraceMs: 2_000 });
    try {
      const { members } = await openParty(orion, pool, ['Ann', 'Bob']);
      const outcome = (name: string) =>
        metricValue(orion, `orion_client_resumes_total{outcome="${name}"}`);
      await dropConnection(members[0].client);
      await resume(orion, pool, members[0].client.token);
      const stranger = await pool.connect(orion);
      stranger.send('client_resume', { token: 'x'.repeat(43) });
      await stranger.next('client_resumeRefused');
      expect(await outcome('resumed')).toBe(1);
      expect(await outcome('unknown_client')).toBe(1);
    } finally {
      await pool.closeAll(NORMAL_CLOSURE);
      await orion.close();
    }
  });
});
