import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'node:dgram';
import { decodeFrame } from '@orion/protocol';
import { MediationAbortedError, MediationInterruptedError, PunchFailedError } from './errors.js';
import { HolePuncher } from './hole-punch.js';
import { OrionClient } from './orion-client.js';
import { FAKE_TOKEN, FakeOrion } from './testing/fake-orion.js';
import { nextDatagram, portOf, send, sleep, SocketPool } from './testing/udp-sockets.js';

describe('OrionClient against a scripted fake Orion', () => {
  const pool = new SocketPool();
  const clients: OrionClient[] = [];
  const handedOver: Socket[] = [];
  let fake: FakeOrion;

  async function connectedClient(): Promise<OrionClient> {
    fake = await FakeOrion.start();
    const client = await OrionClient.connect({ url: fake.url, localAddress: '127.0.0.1' });
    clients.push(client);
    return client;
  }

  /** A client that hosts the fake's lobby, so that it may chat and mediate. */
  async function hostingClient(): Promise<OrionClient> {
    const client = await connectedClient();
    await client.host({ hostName: 'Host', lobbyName: 'Fake' });
    return client;
  }

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    for (const socket of handedOver.splice(0)) socket.close();
    await pool.closeAll();
    await fake?.close();
  });

  it('connects, and answers ptpMediation_send with one ptpMediation_connect from its socket', async () => {
    const client = await connectedClient();
    const orionUdp = await pool.bind();
    const datagram = nextDatagram(orionUdp);
    fake.broadcast('ptpMediation_send', { port: portOf(orionUdp) });
    const { data, from } = await datagram;
    expect(decodeFrame(data.toString())).toEqual({
      method: 'ptpMediation_connect',
      payload: { token: FAKE_TOKEN },
    });
    expect(from.port).toBe(portOf(client.socket));
  });

  it('tracks the lobby it hosts and sends chat to it', async () => {
    const client = await hostingClient();
    expect(client.lobbyId).toBe('K7Q2Z');
    client.chat('gg');
    const frame = await fake.frame('lobby_messaging_send');
    expect(frame.payload).toEqual({ token: FAKE_TOKEN, lobbyId: 'K7Q2Z', message: 'gg' });
    fake.broadcast('lobby_closed', { lobbyId: 'K7Q2Z', lobbyName: 'Fake' });
    await client.next('lobby_closed');
    expect(client.lobbyId).toBeUndefined();
    expect(() => client.chat('again')).toThrow(/in no lobby/);
  });

  it('next() hands out buffered messages oldest first, and fails once the socket closed', async () => {
    const client = await connectedClient();
    fake.broadcast('lobby_peerConnect', { lobbyId: 'K7Q2Z', peerName: 'Ann' });
    fake.broadcast('lobby_peerConnect', { lobbyId: 'K7Q2Z', peerName: 'Bob' });
    await sleep(50);
    expect((await client.next('lobby_peerConnect')).peerName).toBe('Ann');
    expect((await client.next('lobby_peerConnect')).peerName).toBe('Bob');
    await expect(client.next('lobby_peerConnect', 50)).rejects.toThrow(/Timed out after 50 ms/);
    const closed = new Promise<number>((resolve) => client.once('close', resolve));
    fake.disconnectAll(4000);
    expect(await closed).toBe(4000);
    await expect(client.next('lobby_peerConnect')).rejects.toThrow(/closed \(code 4000\)/);
  });

  it('mediate() rejects with MediationAbortedError on ptpMediation_aborted', async () => {
    const client = await hostingClient();
    const mediation = client.mediate();
    await sleep(20);
    fake.broadcast('ptpMediation_aborted', { abortReason: 'Ann left the lobby.' });
    const error = (await mediation.catch((e: unknown) => e)) as MediationAbortedError;
    expect(error).toBeInstanceOf(MediationAbortedError);
    expect(error.reason).toBe('Ann left the lobby.');
  });

  it('mediate() rejects on lobby_closed', async () => {
    const client = await hostingClient();
    const mediation = client.mediate();
    await sleep(20);
    fake.broadcast('lobby_closed', { lobbyId: 'K7Q2Z', lobbyName: 'Fake' });
    await expect(mediation).rejects.toThrow(MediationInterruptedError);
    await expect(mediation).rejects.toThrow(/lobby closed/);
  });

  it('mediate() rejects when the WebSocket closes mid-mediation', async () => {
    const client = await hostingClient();
    const mediation = client.mediate();
    await sleep(20);
    fake.disconnectAll(1001);
    await expect(mediation).rejects.toThrow(/connection to Orion closed \(code 1001\)/);
    await expect(client.mediate()).rejects.toThrow(MediationInterruptedError);
  });

  it('mediate() also rejects on an abort that comes while it is punching', async () => {
    const client = await hostingClient();
    const silent = await pool.bind();
    const mediation = client.mediate({ punchTimeoutMs: 5_000 });
    fake.broadcast('ptpMediation_peersConnection_start', {
      peers: [{ name: 'Ann', ip: '127.0.0.1', port: portOf(silent) }],
    });
    await sleep(50);
    fake.broadcast('ptpMediation_aborted', { abortReason: 'Timed out.' });
    await expect(mediation).rejects.toThrow(MediationAbortedError);
  });

  it('mediate() refuses to run outside a lobby', async () => {
    const client = await connectedClient();
    await expect(client.mediate()).rejects.toThrow(/in no lobby/);
  });

  it('punches the peers, reports success, and resolves on ptpMediation_success', async () => {
    const client = await hostingClient();
    const annSocket = await pool.bind();
    const ann = new HolePuncher({ socket: annSocket, selfName: 'Ann' });
    // The peer list arrives before mediate() is called: the client keeps it.
    fake.broadcast('ptpMediation_peersConnection_start', {
      peers: [{ name: 'Ann', ip: '127.0.0.1', port: portOf(annSocket) }],
    });
    await client.next('ptpMediation_peersConnection_start');
    const mediation = client.mediate({ punchTimeoutMs: 2_000 });
    expect((await fake.frame('ptpMediation_peersConnection_success')).payload).toEqual({
      token: FAKE_TOKEN,
    });
    fake.broadcast('ptpMediation_success', {});
    const result = await mediation;
    handedOver.push(result.socket);
    ann.stop();
    expect(result.socket).toBe(client.socket);
    expect(result.peers).toEqual([{ name: 'Ann', ip: '127.0.0.1', port: portOf(annSocket) }]);
    // The socket now belongs to the game: close() leaves it open and usable.
    await client.close();
    const received = nextDatagram(annSocket);
    await send(result.socket, 'hello peer', portOf(annSocket));
    expect((await received).data.toString()).toBe('hello peer');
  });

  it('rejects with PunchFailedError and reports no success when a peer stays silent', async () => {
    const client = await hostingClient();
    const silent = await pool.bind();
    const mediation = client.mediate({ punchTimeoutMs: 300 });
    fake.broadcast('ptpMediation_peersConnection_start', {
      peers: [{ name: 'Ann', ip: '127.0.0.1', port: portOf(silent) }],
    });
    const error = (await mediation.catch((e: unknown) => e)) as PunchFailedError;
    expect(error).toBeInstanceOf(PunchFailedError);
    expect(error.unreachable.map((peer) => peer.name)).toEqual(['Ann']);
    await sleep(50);
    expect(fake.frames.map((frame) => frame.method)).not.toContain(
      'ptpMediation_peersConnection_success',
    );
    // Not handed over: close() closes the socket too.
    await client.close();
    expect(() => client.socket.address()).toThrow();
  });

  it('gives up waiting for the peer list after startTimeoutMs when asked to', async () => {
    const client = await hostingClient();
    await expect(client.mediate({ startTimeoutMs: 100 })).rejects.toThrow(
      /No ptpMediation_peersConnection_start arrived within 100 ms/,
    );
  });

  it('fails to connect with a clear message when nothing answers', async () => {
    fake = await FakeOrion.start();
    const url = fake.url;
    await fake.close();
    await expect(OrionClient.connect({ url, connectTimeoutMs: 1_000 })).rejects.toThrow(
      /Could not open a WebSocket to ws:\/\/127\.0\.0\.1:\d+\/: .*ECONNREFUSED/,
    );
    fake = await FakeOrion.start();
  });
});
