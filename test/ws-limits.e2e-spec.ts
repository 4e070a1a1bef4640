import { createConnection } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OrionSettings } from '../src/config/orion-config.js';
import { ChatRateLimiter } from '../src/gateway/chat-rate-limiter.js';
import {
  ConnectionAdmission,
  SERVER_FULL,
  TOO_MANY_CONNECTIONS,
} from '../src/gateway/connection-admission.js';
import { DrainState, SHUTTING_DOWN } from '../src/shutdown/drain-state.js';
import { ClientPool, listLobbies, openParty } from './support/flows/mediation-flows.js';
import { metricValue } from './support/orion/metrics.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import { rawUpgrade, type UpgradeAnswer } from './support/clients/raw-upgrade.js';
import { frameOfSize } from './support/clients/sized-frames.js';
import { settledStateViolations, stateCounts } from './support/orion/state-invariants.js';
import { TestClient } from './support/clients/test-client.js';
import { markOf, methodsSince, nextSince, receivedSince } from './support/clients/received.js';
import { sleep, waitUntil } from './support/timing.js';

const QUIET_MS = 250;

/** Boots one app for the describe; clients from `pool` or `connect` are closed after each test. */
function useOrion(settings: Partial<OrionSettings>) {
  const context = {
    orion: undefined as unknown as OrionTestApp,
    pool: new ClientPool(),
    extra: [] as TestClient[],
    /** A client with ws options (headers), closed like the pool's. */
    async connect(headers: Record<string, string> = {}): Promise<TestClient> {
      const client = await TestClient.connect(context.orion.wsUrl, '/', { headers });
      context.extra.push(client);
      return client;
    },
  };
  beforeAll(async () => {
    context.orion = await startOrion(settings);
  });
  afterEach(async () => {
    await context.pool.closeAll();
    await Promise.all(context.extra.splice(0).map((client) => client.close()));
    // Every connection this test opened has been given back.
    const admission = context.orion.app.get(ConnectionAdmission);
    await waitUntil(() => admission.openConnections === 0, 'every connection is released');
    expect(admission.addressCount).toBe(0);
    expect(await settledStateViolations(context.orion.app)).toEqual([]);
  });
  afterAll(async () => {
    await context.orion?.close();
  });
  return context;
}

/** The code the server closes `client`'s socket with; fails if it stays open too long. */
function closeCodeOf(client: TestClient, timeoutMs = 3_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the socket stayed open')), timeoutMs);
    client.ws.once('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** A refused upgrade: the status, JSON `{ errors: [reason] }`, and the connection closed. */
function expectRefusal(answer: UpgradeAnswer, status: number, reason: string): void {
  expect(answer.status, answer.statusLine).toBe(status);
  expect(answer.headers['content-type']).toBe('application/json');
  expect(answer.headers.connection).toBe('close');
  expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.body));
  expect(JSON.parse(answer.body)).toEqual({ errors: [reason] });
}

const chatPayload = (client: TestClient, lobbyId: string, message: string) => ({
  token: client.token,
  lobbyId,
  message,
});

describe('--maxFrameBytes', () => {
  const MAX_FRAME_BYTES = 1_024;
  const context = useOrion({ maxFrameBytes: MAX_FRAME_BYTES });

  it('handles a message of exactly maxFrameBytes: the chat is delivered', async () => {
    const { orion, pool } = context;
    const party = await openParty(orion, pool, ['Host', 'Ann']);
    const ann = party.members[0].client;
    ann.sendRaw(
      frameOfSize(
        'lobby_messaging_send',
        chatPayload(ann, party.lobbyId, 'right at the limit'),
        MAX_FRAME_BYTES,
      ),
    );
    for (const peer of party.everyone) {
      const received = await peer.client.next('lobby_messaging_received');
      expect(received.message).toMatchObject({ senderName: 'Ann', message: 'right at the limit' });
    }
    expect(ann.isOpen).toBe(true);
  });

  it('closes only the sender with 1009 for one byte more; the others stay and see it leave', async () => {
    const { orion, pool } = context;
    const party = await openParty(orion, pool, ['Host', 'Ann', 'Bob']);
    const [ann, bob] = party.members.map((member) => member.client);
    const host = party.host.client;
    const marks = [host, bob].map(markOf);
    const closed = closeCodeOf(ann);
    const oneTooMany = `${frameOfSize(
      'lobby_messaging_send',
      chatPayload(ann, party.lobbyId, 'one byte too long'),
      MAX_FRAME_BYTES,
    )} `;
    expect(Buffer.byteLength(oneTooMany)).toBe(MAX_FRAME_BYTES + 1);
    ann.sendRaw(oneTooMany);

    expect(await closed).toBe(1009);
    for (const [index, client] of [host, bob].entries()) {
      expect(await nextSince(client, 'lobby_peerDisconnect', marks[index])).toEqual({
        lobbyId: party.lobbyId,
        peerName: 'Ann',
      });
      // The message itself was never handled.
      expect(methodsSince(client, marks[index])).not.toContain('lobby_messaging_received');
      expect(client.isOpen).toBe(true);
    }
    const [lobby] = (await listLobbies(orion)).filter((entry) => entry.id === party.lobbyId);
    expect(lobby.currentMembers).toBe(2);

    // The rest of the lobby carries on.
    bob.send('lobby_messaging_send', chatPayload(bob, party.lobbyId, 'still here'));
    expect((await host.next('lobby_messaging_received')).message.message).toBe('still here');
    expect(await metricValue(orion, 'orion_ws_frames_total{result="oversize"}')).toBe(1);
    // A client's oversized message is not a server error.
    expect(orion.logger.records.filter((record) => Number(record.level) >= 50)).toEqual([]);
  });

  it('closes the lobby for its members when the host sends a message too big', async () => {
    const { orion, pool } = context;
    const party = await openParty(orion, pool, ['Host', 'Ann']);
    const ann = party.members[0].client;
    const mark = markOf(ann);
    const closed = closeCodeOf(party.host.client);
    party.host.client.sendRaw('x'.repeat(MAX_FRAME_BYTES + 1));
    expect(await closed).toBe(1009);
    expect(await nextSince(ann, 'lobby_closed', mark)).toEqual({
      lobbyId: party.lobbyId,
      lobbyName: party.lobbyName,
    });
    expect(ann.isOpen).toBe(true);
    expect((await stateCounts(orion.app)).lobbies).toBe(0);
  });
});

describe('--maxClients', () => {
  const MAX_CLIENTS = 3;
  const context = useOrion({ maxClients: MAX_CLIENTS });

  it('accepts maxClients clients, answers the next upgrade 503, and accepts again once one leaves', async () => {
    const { orion, pool } = context;
    const clients = await Promise.all(
      Array.from({ length: MAX_CLIENTS }, () => pool.connect(orion)),
    );
    expectRefusal(await rawUpgrade(orion.httpUrl), 503, SERVER_FULL);
    expect((await stateCounts(orion.app)).clients).toBe(MAX_CLIENTS);
    for (const client of clients) expect(client.isOpen).toBe(true);

    await clients[0].close();
    const admission = orion.app.get(ConnectionAdmission);
    await waitUntil(
      () => admission.openConnections === MAX_CLIENTS - 1,
      'the closed one is released',
    );
    const newcomer = await pool.connect(orion);
    expect(newcomer.token).not.toBe('');
    expectRefusal(await rawUpgrade(orion.httpUrl), 503, SERVER_FULL);
  });

  it('gives a place back when the upgrade fails or the connection drops mid-handshake', async () => {
    const { orion, pool } = context;
    await Promise.all(Array.from({ length: MAX_CLIENTS - 1 }, () => pool.connect(orion)));
    const admission = orion.app.get(ConnectionAdmission);
    // Admitted, then refused by the WebSocket handshake itself.
    const invalid = await rawUpgrade(orion.httpUrl, { 'Sec-WebSocket-Protocol': '@@@' });
    expect(invalid.status).toBe(400);
    // Admitted, then the client hangs up before the handshake is over.
    const { hostname, port } = new URL(orion.httpUrl);
    const dropped = createConnection(Number(port), hostname);
    dropped.on('error', () => undefined);
    await new Promise<void>((resolve) => dropped.once('connect', () => resolve()));
    dropped.write(`GET / HTTP/1.1\r\nHost: ${hostname}\r\nUpgrade: websocket\r\n`);
    dropped.resetAndDestroy();

    await waitUntil(() => admission.openConnections === MAX_CLIENTS - 1, 'both places given back');
    // The last place is free: one more client gets in, and only one.
    await pool.connect(orion);
    expectRefusal(await rawUpgrade(orion.httpUrl), 503, SERVER_FULL);
  });
});

describe('--maxConnectionsPerIp', () => {
  const PER_IP = 2;
  const context = useOrion({ maxConnectionsPerIp: PER_IP });

  it('accepts maxConnectionsPerIp from one address, answers the next 429, and accepts again after a close', async () => {
    const { orion, pool } = context;
    const clients = [await pool.connect(orion), await pool.connect(orion)];
    expectRefusal(await rawUpgrade(orion.httpUrl), 429, TOO_MANY_CONNECTIONS);
    expect((await stateCounts(orion.app)).clients).toBe(PER_IP);

    await clients[0].close();
    const admission = orion.app.get(ConnectionAdmission);
    await waitUntil(() => admission.openConnections === PER_IP - 1, 'the closed one is released');
    await pool.connect(orion);
    expectRefusal(await rawUpgrade(orion.httpUrl), 429, TOO_MANY_CONNECTIONS);
  });

  it('without --trustProxy, ignores X-Forwarded-For: every address behind it counts as one', async () => {
    const { orion } = context;
    await context.connect({ 'X-Forwarded-For': '203.0.113.1' });
    await context.connect({ 'X-Forwarded-For': '203.0.113.2' });
    const third = await rawUpgrade(orion.httpUrl, { 'X-Forwarded-For': '203.0.113.3' });
    expectRefusal(third, 429, TOO_MANY_CONNECTIONS);
  });
});

describe('--maxConnectionsPerIp with --trustProxy', () => {
  const context = useOrion({ maxConnectionsPerIp: 1, trustProxy: true });

  it('counts each X-Forwarded-For client address on its own', async () => {
    const { orion } = context;
    await context.connect({ 'X-Forwarded-For': '203.0.113.1' });
    await context.connect({ 'X-Forwarded-For': '10.0.0.1, 203.0.113.2' });
    expect(orion.app.get(ConnectionAdmission).addressCount).toBe(2);
    const again = await rawUpgrade(orion.httpUrl, { 'X-Forwarded-For': '203.0.113.1' });
    expectRefusal(again, 429, TOO_MANY_CONNECTIONS);
    // The proxy's own address is not what counts.
    await context.connect({ 'X-Forwarded-For': '203.0.113.3' });
  });
});

describe('WebSocket upgrades while draining', () => {
  const context = useOrion({});

  it('are refused with 503 and the shutdown message, and open nothing', async () => {
    const { orion, pool } = context;
    const before = await pool.connect(orion);
    orion.app.get(DrainState).begin();
    expectRefusal(await rawUpgrade(orion.httpUrl), 503, SHUTTING_DOWN);
    expect(orion.app.get(ConnectionAdmission).openConnections).toBe(1);
    expect((await stateCounts(orion.app)).clients).toBe(1);
    expect(before.isOpen).toBe(true);
  });
});

describe('--chatBurst and --chatRatePerSecond', () => {
  const BURST = 3;
  const RATE = 2;
  const context = useOrion({ chatBurst: BURST, chatRatePerSecond: RATE });

  /** The chat texts `client` received after `mark`, in order. */
  const chatsSince = (client: TestClient, mark: number) =>
    receivedSince(client, mark)
      .filter((message) => message.method === 'lobby_messaging_received')
      .map((message) => (message.payload.message as { message: string }).message);

  it('delivers a burst of chatBurst, drops the next one, and delivers one more after 1/rate seconds', async () => {
    const { orion, pool } = context;
    const party = await openParty(orion, pool, ['Host', 'Ann']);
    const host = party.host.client;
    const ann = party.members[0].client;
    const [mark, annMark] = [markOf(host), markOf(ann)];
    const limited = await metricValue(orion, 'orion_ws_frames_total{result="rate_limited"}');

    for (let n = 1; n <= BURST + 1; n++) {
      ann.send('lobby_messaging_send', chatPayload(ann, party.lobbyId, `burst ${n}`));
    }
    await waitUntil(() => chatsSince(host, mark).length >= BURST, 'the burst is delivered');
    await sleep(QUIET_MS);
    expect(chatsSince(host, mark)).toEqual(['burst 1', 'burst 2', 'burst 3']);
    expect(chatsSince(ann, annMark)).toEqual(['burst 1', 'burst 2', 'burst 3']);
    expect(ann.isOpen).toBe(true);

    // Another client's bucket is its own: the host may still chat at once.
    host.send('lobby_messaging_send', chatPayload(host, party.lobbyId, 'host speaks'));
    await waitUntil(() => chatsSince(ann, annMark).includes('host speaks'), 'the host is heard');

    // One token back after 1/rate s (counted from the dropped message): one more, not two.
    await sleep(1_000 / RATE - QUIET_MS + 100);
    const later = markOf(host);
    ann.send('lobby_messaging_send', chatPayload(ann, party.lobbyId, 'later 1'));
    ann.send('lobby_messaging_send', chatPayload(ann, party.lobbyId, 'later 2'));
    await waitUntil(() => chatsSince(host, later).length >= 1, 'one more is delivered');
    await sleep(QUIET_MS);
    expect(chatsSince(host, later)).toEqual(['later 1']);

    const after = await metricValue(orion, 'orion_ws_frames_total{result="rate_limited"}');
    expect(after - limited).toBe(2);
  });

  it("forgets a client's bucket when it disconnects", async () => {
    const { orion, pool } = context;
    const party = await openParty(orion, pool, ['Host', 'Ann']);
    const limiter = orion.app.get(ChatRateLimiter);
    for (const peer of party.everyone) {
      peer.client.send('lobby_messaging_send', chatPayload(peer.client, party.lobbyId, 'hi'));
    }
    await waitUntil(() => limiter.size === 2, 'both clients have a bucket');
    await pool.closeAll();
    await waitUntil(() => limiter.size === 0, 'every bucket is forgotten');
  });
});
