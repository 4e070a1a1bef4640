import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'node:dgram';
import { decodeFrame } from '@orion/protocol';
import { MediationAbortedError, MediationInterruptedError, PunchFailedError } from './errors.js';
import { HolePuncher } from './hole-punch.js';
import { OrionClient, type MediationResult } from './orion-client.js';
import { FAKE_TOKEN, FakeOrion } from './testing/fake-orion.js';
import { nextDatagram, portOf, send, sleep, SocketPool } from './testing/udp-sockets.js';

describe('OrionClient against a scripted fake Orion', () => {
  const pool = new SocketPool();
  const clients: OrionClient[] = [];
  const handedOver: Socket[] = [];
  const stops: (() => void)[] = [];
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
    for (const stop of stops.splice(0)) stop();
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

  it('forgets the lobby it left, or was kicked out of, and tracks the one quick join found', async () => {
    const client = await hostingClient();
    await client.leave();
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/lobbies/K7Q2Z/leave',
      body: { token: FAKE_TOKEN },
    });
    expect(client.lobbyId).toBeUndefined();
    await expect(client.leave()).rejects.toThrow(/in no lobby/);
    await expect(client.kick('Ann')).rejects.toThrow(/in no lobby/);

    expect((await client.quickJoin('Ann', { notFull: true })).lobbyId).toBe('Q1Q1Q');
    expect(client.lobbyId).toBe('Q1Q1Q');
    const kicked = new Promise((resolve) => client.once('lobby_kicked', resolve));
    fake.broadcast('lobby_kicked', { lobbyId: 'Q1Q1Q', lobbyName: 'Fake' });
    expect(await kicked).toEqual({ lobbyId: 'Q1Q1Q', lobbyName: 'Fake' });
    expect(client.lobbyId).toBeUndefined();
  });

  it('mediate() rejects on lobby_kicked', async () => {
    const client = await hostingClient();
    const mediation = client.mediate();
    await sleep(20);
    fake.broadcast('lobby_kicked', { lobbyId: 'K7Q2Z', lobbyName: 'Fake' });
    await expect(mediation).rejects.toThrow(MediationInterruptedError);
    await expect(mediation).rejects.toThrow(/kicked/);
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

  describe('a mediation that comes before the answer to the join', () => {
    /** Host's socket, answering hellos, and its peer entry as Orion would send it. */
    async function answeringHost() {
      const socket = await pool.bind();
      const puncher = new HolePuncher({ socket, selfName: 'Host' });
      stops.push(puncher.stop);
      return { socket, peer: { name: 'Host', ip: '127.0.0.1', port: portOf(socket) } };
    }

    /** Waits for success to be reported, answers ptpMediation_success, returns the outcome. */
    async function succeed(mediation: Promise<MediationResult>): Promise<MediationResult> {
      // A mediation that fails first fails the test with its own error.
      await Promise.race([fake.frame('ptpMediation_peersConnection_success'), mediation]);
      fake.broadcast('ptpMediation_success', {});
      const result = await mediation;
      handedOver.push(result.socket);
      return result;
    }

    it('keeps its ptpMediation_send and peer list for the lobby joined, and punches that peer', async () => {
      const client = await connectedClient();
      const orionUdp = await pool.bind();
      const host = await answeringHost();
      const release = fake.holdJoins();
      const joined = client.join('b0b0b', 'Ann');
      const connect = nextDatagram(orionUdp);
      fake.broadcast('ptpMediation_send', { port: portOf(orionUdp) });
      // Answered at once, from the socket the peers will use, though the join has not returned.
      expect((await connect).from.port).toBe(portOf(client.socket));
      fake.broadcast('ptpMediation_peersConnection_start', { peers: [host.peer] });
      await client.next('ptpMediation_peersConnection_start');
      expect(client.lobbyId).toBeUndefined();

      release();
      expect((await joined).lobbyId).toBe('B0B0B');
      // No second peer list will come: the one that came first must do.
      const result = await succeed(client.mediate({ punchTimeoutMs: 2_000, startTimeoutMs: 500 }));
      expect(result.peers).toEqual([host.peer]);
    });

    it('keeps a relay allocation that came with it, and binds that relay port in mediate()', async () => {
      const client = await connectedClient();
      const host = await answeringHost();
      const relayPort = await pool.bind();
      const release = fake.holdJoins();
      const joined = client.join('b0b0b', 'Ann');
      fake.broadcast('ptpMediation_peersConnection_start', { peers: [host.peer] });
      fake.broadcast('ptpMediation_relay_allocated', {
        relays: [{ peerName: 'Host', ip: '127.0.0.1', port: portOf(relayPort) }],
      });
      await client.next('ptpMediation_relay_allocated');
      release();
      await joined;

      const bind = nextDatagram(relayPort, 1_000);
      const mediation = client.mediate({ punchTimeoutMs: 5_000, startTimeoutMs: 500 });
      mediation.catch(() => undefined);
      const { data, from } = await bind;
      expect(decodeFrame(data.toString())).toEqual({
        method: 'ptpMediation_relay_bind',
        payload: { token: FAKE_TOKEN },
      });
      expect(from.port).toBe(portOf(client.socket));
    });

    it('keeps what comes after the lobby_closed of the lobby it was in, and not what came before', async () => {
      const client = await hostingClient();
      const stale = await pool.bind();
      const host = await answeringHost();
      const release = fake.holdJoins();
      // Orion has let the client out of K7Q2Z, whose lobby_closed is still on its way.
      const joined = client.join('b0b0b', 'Ann');
      fake.broadcast('ptpMediation_peersConnection_start', {
        peers: [{ name: 'Old', ip: '127.0.0.1', port: portOf(stale) }],
      });
      fake.broadcast('lobby_closed', { lobbyId: 'K7Q2Z', lobbyName: 'Fake' });
      fake.broadcast('ptpMediation_peersConnection_start', { peers: [host.peer] });
      await client.next('ptpMediation_peersConnection_start');
      await client.next('ptpMediation_peersConnection_start');
      release();
      await joined;

      const result = await succeed(client.mediate({ punchTimeoutMs: 2_000, startTimeoutMs: 500 }));
      expect(result.peers).toEqual([host.peer]);
    });

    it("drops the peer list of the lobby it was in when the join's answer beats that lobby_closed", async () => {
      const client = await hostingClient();
      const stale = await pool.bind();
      const release = fake.holdJoins();
      const joined = client.join('b0b0b', 'Ann');
      // Sent before the join was taken, arriving after it was sent: the old lobby's.
      fake.broadcast('ptpMediation_peersConnection_start', {
        peers: [{ name: 'Old', ip: '127.0.0.1', port: portOf(stale) }],
      });
      await client.next('ptpMediation_peersConnection_start');
      release();
      expect((await joined).lobbyId).toBe('B0B0B');
      await expect(client.mediate({ punchTimeoutMs: 300, startTimeoutMs: 200 })).rejects.toThrow(
        /No ptpMediation_peersConnection_start arrived within 200 ms/,
      );
    });

    it('drops a peer list that came before the join was sent', async () => {
      const client = await connectedClient();
      const stale = await pool.bind();
      fake.broadcast('ptpMediation_peersConnection_start', {
        peers: [{ name: 'Old', ip: '127.0.0.1', port: portOf(stale) }],
      });
      await client.next('ptpMediation_peersConnection_start');
      await client.join('b0b0b', 'Ann');
      await expect(client.mediate({ punchTimeoutMs: 300, startTimeoutMs: 200 })).rejects.toThrow(
        /No ptpMediation_peersConnection_start arrived within 200 ms/,
      );
    });

    it('a refused join leaves the mediation of the lobby it is in alone', async () => {
      const client = await hostingClient();
      const ann = await answeringHost();
      fake.broadcast('ptpMediation_peersConnection_start', { peers: [ann.peer] });
      await client.next('ptpMediation_peersConnection_start');
      fake.handler = () => ({
        status: 409,
        body: { errors: ['The client is already in a lobby.'] },
      });
      await expect(client.join('b0b0b', 'Ann')).rejects.toThrow(/already in a lobby/);
      expect(client.lobbyId).toBe('K7Q2Z');
      const result = await succeed(client.mediate({ punchTimeoutMs: 2_000, startTimeoutMs: 500 }));
      expect(result.peers).toEqual([ann.peer]);
    });
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
