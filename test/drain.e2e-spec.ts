import { connect, type Socket } from 'node:net';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { SHUTTING_DOWN } from '../src/shutdown/drain-state.js';
import { CloseCode } from '@orion/protocol';
import { DrainService } from '../src/shutdown/drain.service.js';
import {
  ClientPool,
  createLobby,
  joinLobby,
  openParty,
  postStart,
  type Party,
} from './support/flows/mediation-flows.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import { spawnOrion, type OrionProcess } from './support/orion/orion-process.js';
import { rawUpgrade } from './support/clients/raw-upgrade.js';
import { TestClient } from './support/clients/test-client.js';

const GRACE_MS = 4_000;

/** Records the close code of a client's socket. */
function closeCodeOf(client: TestClient): Promise<number> {
  return new Promise((resolve) => client.ws.once('close', (code) => resolve(code)));
}

/** Methods received after `from`, mediation and lobby ones only. */
const endingMethods = (client: TestClient, from: number) =>
  client.methods
    .slice(from)
    .filter((method) => method.startsWith('ptpMediation_aborted') || method === 'lobby_closed');

/**
 * A WebSocket client that completes the upgrade and then never answers anything, not
 * even a close frame: what a frozen game or a dead network looks like to the server.
 */
async function silentWebSocket(httpUrl: string): Promise<Socket> {
  const { hostname, port } = new URL(httpUrl);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve()).once('error', reject);
  });
  socket.write(
    'GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  await new Promise<void>((resolve) => {
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      expect(head.startsWith('HTTP/1.1 101')).toBe(true);
      resolve();
    };
    socket.on('data', onData);
  });
  return socket;
}

describe('graceful drain of a real server process on SIGTERM', () => {
  let server: OrionProcess | undefined;
  const pool = new ClientPool();

  afterEach(async () => {
    await pool.closeAll();
    if (server?.running) server.child.kill('SIGKILL');
    server = undefined;
  });

  it('tells every client why, closes every socket with 1001, and exits 0 within the grace', async () => {
    server = spawnOrion([
      '--host=127.0.0.1',
      '--httpPort=0',
      '--udpPort=0',
      // No reminders or timeouts during the test: only the drain may end anything.
      '--ptpmConnectRequestIntervalMs=600000',
      '--ptpmServerConnectTimeoutMs=600000',
      '--ptpmConnectTimeoutMs=600000',
      `--shutdownGraceMs=${GRACE_MS}`,
    ]);
    const { httpPort, udpPort } = await server.ready();
    // The flow helpers only read the URLs and the UDP port.
    const target = {
      httpUrl: `http://127.0.0.1:${httpPort}`,
      wsUrl: `ws://127.0.0.1:${httpPort}`,
      udpPort,
    } as OrionTestApp;

    const loner = await pool.connect(target);
    const open = await openParty(target, pool, ['Ann', 'Ben']);
    const collecting = await openParty(target, pool, ['Cat', 'Dan', 'Eve']);
    const connecting = await openParty(target, pool, ['Fay', 'Gus']);

    expect((await postStart(target, collecting.host.client, collecting.lobbyId)).status).toBe(200);
    for (const peer of collecting.everyone) await peer.client.next('ptpMediation_send');
    // Mid-UDP: the host's packet has arrived, the members' have not.
    await collecting.host.client.sendUdp(udpPort);

    expect((await postStart(target, connecting.host.client, connecting.lobbyId)).status).toBe(200);
    for (const peer of connecting.everyone) await peer.client.next('ptpMediation_send');
    for (const peer of connecting.everyone) await peer.client.sendUdp(udpPort);
    for (const peer of connecting.everyone)
      await peer.client.next('ptpMediation_peersConnection_start');

    const everyone = [loner, ...[open, collecting, connecting].flatMap(clientsOf)];
    const marks = new Map(everyone.map((client) => [client, client.received.length]));
    const closeCodes = everyone.map(closeCodeOf);

    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    const exit = await server.exit(GRACE_MS + 2_000);
    const tookMs = Date.now() - signalledAt;

    expect(exit).toEqual({ code: 0, signal: null });
    expect(tookMs).toBeLessThan(GRACE_MS);
    expect(await Promise.all(closeCodes)).toEqual(everyone.map(() => CloseCode.GOING_AWAY));

    const since = (client: TestClient) => endingMethods(client, marks.get(client)!);
    expect(since(loner)).toEqual([]);
    for (const client of clientsOf(open)) expect(since(client)).toEqual(['lobby_closed']);
    for (const party of [collecting, connecting]) {
      for (const client of clientsOf(party)) {
        expect(since(client)).toEqual(['ptpMediation_aborted', 'lobby_closed']);
        expect(client.all('ptpMediation_aborted').at(-1)).toEqual({ abortReason: SHUTTING_DOWN });
        expect(client.all('lobby_closed').at(-1)).toEqual({
          lobbyId: party.lobbyId,
          lobbyName: party.lobbyName,
        });
      }
    }
    const drained = server.stdout
      .split('\n')
      .filter((line) => line.includes('"msg":"Drained"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(drained).toHaveLength(1);
    expect(drained[0]).toMatchObject({
      mediationsAborted: 2,
      lobbiesClosed: 3,
      socketsClosed: everyone.length,
      socketsTerminated: 0,
    });
  });
});

describe('while the server drains', () => {
  let orion: OrionTestApp | undefined;
  const pool = new ClientPool();
  const silent: Socket[] = [];

  afterEach(async () => {
    for (const socket of silent.splice(0)) socket.destroy();
    await pool.closeAll();
    await orion?.close();
    orion = undefined;
  });

  it('is not ready, refuses new lobbies, joins and clients, and still answers reads', async () => {
    orion = await startOrion({ shutdownGraceMs: 2_000 });
    const host = await pool.connect(orion);
    const created = await createLobby(orion, host, 'Host');
    expect(created.status).toBe(201);
    const outsider = await pool.connect(orion);
    // This client never completes the close handshake, so the drain waits for it.
    silent.push(await silentWebSocket(orion.httpUrl));

    expect((await request(orion.httpUrl).get('/readyz')).status).toBe(200);
    const draining = orion.app.get(DrainService).drain();
    await host.next('lobby_closed');

    const ready = await request(orion.httpUrl).get('/readyz');
    expect(ready.status).toBe(503);
    expect(JSON.stringify(ready.body)).toContain(SHUTTING_DOWN);

    const create = await createLobby(orion, outsider, 'Late');
    expect(create.status).toBe(503);
    expect(create.body).toEqual({ errors: [SHUTTING_DOWN] });
    const join = await joinLobby(orion, outsider, created.body.lobbyId as string, 'Late');
    expect(join.status).toBe(503);
    expect(join.body).toEqual({ errors: [SHUTTING_DOWN] });
    expect((await request(orion.httpUrl).get('/lobbies')).status).toBe(200);
    expect((await request(orion.httpUrl).get('/healthz')).status).toBe(200);

    const upgrade = await rawUpgrade(orion.httpUrl);
    expect(upgrade.status).toBe(503);
    expect(JSON.parse(upgrade.body)).toEqual({ errors: [SHUTTING_DOWN] });

    // The silent socket is cut off after half the grace; the others closed cleanly.
    const startedWaiting = Date.now();
    const report = await draining;
    expect(Date.now() - startedWaiting).toBeLessThan(1_500);
    expect(report).toEqual({
      mediationsAborted: 0,
      lobbiesClosed: 1,
      socketsClosed: 2,
      socketsTerminated: 1,
    });
    // Draining twice does nothing the second time.
    expect(await orion.app.get(DrainService).drain()).toBeUndefined();
  });
});

function clientsOf(party: Party): TestClient[] {
  return party.everyone.map((peer) => peer.client);
}
