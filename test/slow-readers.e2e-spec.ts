import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ClientRegistry } from '../src/connections/client-registry.js';
import { createLobby, joinLobby } from './support/flows/mediation-flows.js';
import { metricValue } from './support/orion/metrics.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import { TestClient } from './support/clients/test-client.js';
import { sleep, waitUntil } from './support/timing.js';

const MAX_BUFFERED_BYTES = 256 * 1024;
/** Chat as long as the text may be, so that each delivery weighs what an attacker can make it. */
const LONG_CHAT = 'x'.repeat(250);

/** Bytes the server holds unsent across all its clients' sockets right now. */
function serverBufferedBytes(orion: OrionTestApp): number {
  let total = 0;
  for (const socket of orion.app.get(ClientRegistry).sockets()) total += socket.bufferedAmount;
  return total;
}

/** Resolves with the close code once the server ends the client's socket. */
function closeCodeOf(client: TestClient): Promise<number> {
  return new Promise((resolve) => {
    if (client.ws.readyState === WebSocket.CLOSED) resolve(1006);
    client.ws.once('close', (code) => resolve(code));
  });
}

/**
 * A member that stops reading its socket (as a stalled or hostile client does) while it
 * keeps sending: chat, and pongs nobody asked for.
 */
function stopReading(client: TestClient): void {
  client.ws.pause();
}

describe('clients that stop reading', () => {
  let orion: OrionTestApp;
  const clients: TestClient[] = [];

  afterEach(async () => {
    // terminate, not close: a client that reads nothing would never finish a close handshake.
    for (const client of clients.splice(0)) client.ws.terminate();
    await orion?.close();
  });

  async function lobbyOf(readers: number, nonReaders: number) {
    const host = await TestClient.connect(orion.wsUrl);
    clients.push(host);
    const created = await createLobby(orion, host, 'Host', { maxMembers: 64 });
    expect(created.status).toBe(201);
    const lobbyId = created.body.lobbyId as string;
    const members: TestClient[] = [];
    for (let i = 0; i < readers + nonReaders; i++) {
      const member = await TestClient.connect(orion.wsUrl);
      clients.push(member);
      expect((await joinLobby(orion, member, lobbyId, `Member${i}`)).status).toBe(200);
      members.push(member);
    }
    return { host, lobbyId, readers: members.slice(0, readers), stalled: members.slice(readers) };
  }

  /**
   * The host floods the lobby with chat until `enough()` holds; returns how many lines it
   * sent and the most unsent bytes the server held at once across all sockets.
   */
  async function flood(host: TestClient, lobbyId: string, enough: () => boolean) {
    let sent = 0;
    let peakBuffered = 0;
    while (!enough() && sent < 120_000) {
      for (let i = 0; i < 100; i++) {
        host.send('lobby_messaging_send', { token: host.token, lobbyId, message: LONG_CHAT });
      }
      sent += 100;
      // Small batches paced by the host's own echoes: the stalled members' share piles up
      // on the server, while what a reading client gets in one turn stays small.
      await sleep(2);
      await waitUntil(() => host.received.length >= sent - 1_000, 'the host read its echoes');
      peakBuffered = Math.max(peakBuffered, serverBufferedBytes(orion));
    }
    return { sent, peakBuffered };
  }

  /** Server-side sockets the server has begun to close. */
  const closingOnServer = () =>
    [...orion.app.get(ClientRegistry).sockets()].filter((s) => s.readyState === WebSocket.CLOSING)
      .length;

  const FLOOD_SETTINGS = {
    maxBufferedBytes: MAX_BUFFERED_BYTES,
    chatRatePerSecond: 100_000,
    chatBurst: 100_000,
  };

  it('are closed once the server holds maxBufferedBytes for them, and leave the lobby', async () => {
    orion = await startOrion(FLOOD_SETTINGS);
    const { host, lobbyId, readers, stalled } = await lobbyOf(1, 4);
    for (const client of stalled) stopReading(client);
    const departures = () => host.methods.filter((m) => m === 'lobby_peerDisconnect').length;

    // The reading member keeps up; the stalled ones do not.
    const { sent, peakBuffered } = await flood(host, lobbyId, () => departures() === 4);
    console.log(
      `slow readers: ${departures()} of 4 stalled members left after ${sent} chat lines of 250 characters; ` +
        `peak unsent bytes held ${(peakBuffered / 1e6).toFixed(2)} MB`,
    );

    // Cleaned up like any departure: the others heard each one leave, and the reader stays.
    expect(departures()).toBe(4);
    // At most the limit plus a frame per stalled socket, and what the readers hold in passing.
    expect(peakBuffered).toBeLessThan(6 * MAX_BUFFERED_BYTES);
    expect(await metricValue(orion, 'orion_ws_closed_total{reason="send_buffer_full"}')).toBe(4);
    expect(readers[0].isOpen).toBe(true);
    const list = await request(orion.httpUrl).get('/lobbies');
    expect(list.body.lobbies).toEqual([
      expect.objectContaining({ id: lobbyId, currentMembers: 2 }),
    ]);
  });

  it('see close code 1008 if they read again within the grace', async () => {
    orion = await startOrion(FLOOD_SETTINGS);
    const { host, lobbyId, stalled } = await lobbyOf(0, 1);
    const closed = closeCodeOf(stalled[0]);
    stopReading(stalled[0]);

    await flood(host, lobbyId, () => closingOnServer() === 1);
    expect(closingOnServer()).toBe(1);
    // It reads again: its backlog, then the close frame.
    stalled[0].ws.resume();
    expect(await closed).toBe(1008);
    expect(stalled[0].methods.at(-1)).toBe('lobby_messaging_received');
  });

  it('are ended by the heartbeat even when they send pongs nobody asked for', async () => {
    const intervalMs = 150;
    orion = await startOrion({ wsHeartbeatIntervalMs: intervalMs });
    const { host, stalled } = await lobbyOf(1, 2);
    const closed = stalled.map(closeCodeOf);
    for (const client of stalled) stopReading(client);
    // Unsolicited pongs, faster than the server pings: before, any pong reset the count.
    const ponger = setInterval(() => {
      for (const client of stalled) if (client.ws.readyState === WebSocket.OPEN) client.ws.pong();
    }, intervalMs / 3);
    try {
      const started = Date.now();
      const codes = await Promise.race([
        Promise.all(closed),
        sleep(20 * intervalMs).then(() => 'still open'),
      ]);
      expect(codes).not.toBe('still open');
      expect(Date.now() - started).toBeLessThan(20 * intervalMs);
    } finally {
      clearInterval(ponger);
    }
    await waitUntil(
      () => host.methods.filter((m) => m === 'lobby_peerDisconnect').length === 2,
      'the host heard both leave',
      5_000,
    );
    expect(host.isOpen).toBe(true);
    expect(await metricValue(orion, 'orion_ws_closed_total{reason="heartbeat_timeout"}')).toBe(2);
  });
});
