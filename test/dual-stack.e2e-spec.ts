import { createSocket, type Socket } from 'node:dgram';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeFrame } from '@orion/protocol';
import { createLobby, joinLobby, startMediation } from './support/flows/http-flows.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import { TestClient } from './support/clients/test-client.js';

/** A UDP socket bound to `address` on an ephemeral port, or the bind's error. */
function bindUdp(address: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(address.includes(':') ? 'udp6' : 'udp4');
    socket.once('error', (error) => {
      socket.close();
      reject(error);
    });
    socket.bind(0, address, () => resolve(socket));
  });
}

/** Why this machine cannot run the test (it has no IPv6 loopback), or undefined. */
async function noIpv6Loopback(): Promise<string | undefined> {
  try {
    const socket = await bindUdp('::1');
    socket.close();
    return undefined;
  } catch (error) {
    return `this machine has no ::1 (${(error as NodeJS.ErrnoException).code})`;
  }
}

const skipReason = await noIpv6Loopback();
if (skipReason) console.log(`Skipping the dual-stack tests: ${skipReason}`);

/** Without --host, one server is reached over IPv4 and IPv6 alike. */
describe.skipIf(skipReason !== undefined)('the default bind address (no --host)', () => {
  let orion: OrionTestApp;
  let httpPort: number;
  const clients: TestClient[] = [];
  const sockets: Socket[] = [];

  const base = { ipv4: '127.0.0.1', ipv6: '[::1]' } as const;
  type Family = keyof typeof base;
  const httpUrl = (family: Family) => `http://${base[family]}:${httpPort}`;

  async function connect(family: Family): Promise<TestClient> {
    const client = await TestClient.connect(`ws://${base[family]}:${httpPort}`);
    clients.push(client);
    return client;
  }

  /** Sends `client`'s ptpMediation_connect from `address` to the server at the same family's loopback. */
  async function sendUdpFrom(address: string, client: TestClient): Promise<number> {
    const socket = await bindUdp(address);
    sockets.push(socket);
    const datagram = encodeFrame('ptpMediation_connect', { token: client.token });
    await new Promise<void>((resolve, reject) =>
      socket.send(datagram, orion.udpPort, address, (error) => (error ? reject(error) : resolve())),
    );
    return socket.address().port;
  }

  beforeAll(async () => {
    // startOrion passes --host 127.0.0.1; undefined leaves the setting unset.
    orion = await startOrion({ host: undefined });
    httpPort = Number(new URL(orion.httpUrl).port);
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  afterAll(async () => {
    await orion?.close();
  });

  it('binds to ::, for both families', () => {
    const address = orion.app.getHttpServer().address();
    expect(address).toMatchObject({ address: '::', family: 'IPv6' });
  });

  it.each(['ipv4', 'ipv6'] as const)('answers HTTP over %s', async (family) => {
    const response = await request(httpUrl(family)).get('/ping');
    expect(response.status).toBe(200);
    expect(response.text).toBe('pong');
  });

  it.each(['ipv4', 'ipv6'] as const)('registers WebSocket clients over %s', async (family) => {
    const client = await connect(family);
    expect(client.token).not.toBe('');
  });

  it('mediates between a client on 127.0.0.1 and one on ::1, reporting each address plainly', async () => {
    const host = await connect('ipv4');
    const guest = await connect('ipv6');
    const { lobbyId } = await createLobby(httpUrl('ipv4'), host);
    await joinLobby(httpUrl('ipv6'), guest, lobbyId, 'Guest');
    await startMediation(httpUrl('ipv6'), host, lobbyId);
    for (const client of [host, guest]) await client.next('ptpMediation_send');

    const hostPort = await sendUdpFrom('127.0.0.1', host);
    const guestPort = await sendUdpFrom('::1', guest);

    const toHost = await host.next('ptpMediation_peersConnection_start');
    const toGuest = await guest.next('ptpMediation_peersConnection_start');
    expect(toHost.peers).toEqual([{ ip: '::1', port: guestPort, name: 'Guest' }]);
    // Not ::ffff:127.0.0.1, although the socket is an IPv6 one.
    expect(toGuest.peers).toEqual([{ ip: '127.0.0.1', port: hostPort, name: 'Host' }]);
  });
});
