import type { Socket } from 'node:dgram';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  MediationAbortedError,
  OrionClient,
  OrionRequestError,
  PunchFailedError,
  type MediationResult,
  type PeerEndpoint,
  type ServerMessages,
} from '@orion/sdk';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';

/** Punching gives up well before Orion's own connect timeout would abort the mediation. */
const PUNCH_TIMEOUT_MS = 500;
const SERVER_TIMERS = {
  ptpmConnectRequestIntervalMs: 100,
  ptpmServerConnectTimeoutMs: 3_000,
  ptpmConnectTimeoutMs: 3_000,
};

describe('the client SDK against a real Orion', () => {
  let orion: OrionTestApp;
  const clients: OrionClient[] = [];
  const gameSockets: Socket[] = [];

  beforeAll(async () => {
    orion = await startOrion(SERVER_TIMERS);
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    for (const socket of gameSockets.splice(0)) socket.close();
  });

  afterAll(async () => {
    await orion?.close();
  });

  async function connect(): Promise<OrionClient> {
    const client = await OrionClient.connect({ url: orion.httpUrl, localAddress: '127.0.0.1' });
    clients.push(client);
    return client;
  }

  const endpointOf = (name: string, client: OrionClient): PeerEndpoint => ({
    name,
    ip: '127.0.0.1',
    port: client.socket.address().port,
  });

  /** A host and members, all in one lobby, with the host told of every join. */
  async function party(lobbyName: string, memberNames: string[], isPublic = false) {
    const host = await connect();
    const { lobbyId } = await host.host({ hostName: 'Host', lobbyName, isPublic, maxMembers: 4 });
    const members: OrionClient[] = [];
    for (const name of memberNames) {
      const member = await connect();
      await member.join(lobbyId, name);
      expect((await host.next('lobby_peerConnect')).peerName).toBe(name);
      members.push(member);
    }
    return { host, members, lobbyId };
  }

  /** Resolves when `client` hears its own chat line `text` come back from Orion. */
  function lineComesBack(client: OrionClient, text: string): Promise<void> {
    return new Promise((resolve) => {
      const listener = (received: ServerMessages['lobby_messaging_received']) => {
        if (received.message.message !== text) return;
        client.off('lobby_messaging_received', listener);
        resolve();
      };
      client.on('lobby_messaging_received', listener);
    });
  }

  /** Sends `text` from one punched socket to a peer and waits for it on the other side. */
  async function exchange(from: MediationResult, to: PeerEndpoint, receiver: Socket, text: string) {
    const arrived = new Promise<string>((resolve) =>
      receiver.once('message', (data) => resolve(data.toString())),
    );
    from.socket.send(text, to.port, to.ip);
    expect(await arrived).toBe(text);
  }

  it('hosts, lists, joins, chats in order, mediates, and hands over working sockets', async () => {
    const host = await connect();
    const { lobbyId, lobbyName } = await host.host({
      hostName: 'Host',
      lobbyName: 'SDK Night',
      isPublic: true,
      maxMembers: 3,
    });
    expect(host.lobbyId).toBe(lobbyId);

    const ann = await connect();
    const bob = await connect();
    expect(await ann.listLobbies()).toContainEqual({
      name: 'SDK Night',
      id: lobbyId,
      currentMembers: 1,
      maxMembers: 3,
    });
    expect(await ann.join(lobbyId.toLowerCase(), 'Ann')).toEqual({
      lobbyId,
      lobbyName,
      lobbyMembers: ['Host', 'Ann'],
      host: 'Host',
    });
    expect((await bob.join(lobbyId, 'Bob')).lobbyMembers).toEqual(['Host', 'Ann', 'Bob']);
    expect((await host.next('lobby_peerConnect')).peerName).toBe('Ann');
    expect((await host.next('lobby_peerConnect')).peerName).toBe('Bob');
    expect((await ann.next('lobby_peerConnect')).peerName).toBe('Bob');

    // One line each, each sent after the previous came back, so the order is fixed.
    const everyone = [host, ann, bob];
    const lines = [
      ['Host', 'ready?'],
      ['Ann', 'ready'],
      ['Bob', 'gg'],
    ];
    for (const [index, [, text]] of lines.entries()) {
      const echoed = lineComesBack(everyone[index], text);
      everyone[index].chat(text);
      await echoed;
    }
    for (const client of everyone) {
      const heard = [];
      for (let i = 0; i < lines.length; i++) {
        heard.push(await client.next('lobby_messaging_received'));
      }
      expect(heard.map((m) => [m.message.senderName, m.message.message])).toEqual(lines);
      expect(heard.every((m) => m.lobbyId === lobbyId)).toBe(true);
    }

    for (const client of everyone) expect(client.lobbyId).toBe(lobbyId);

    const mediations = everyone.map((client) => client.mediate({ punchTimeoutMs: 3_000 }));
    await host.startMediation();
    const [hostResult, annResult, bobResult] = await Promise.all(mediations);
    gameSockets.push(hostResult.socket, annResult.socket, bobResult.socket);

    // Each side got the others' real sockets: Orion saw them on loopback, unchanged.
    expect(hostResult.peers).toEqual([endpointOf('Ann', ann), endpointOf('Bob', bob)]);
    expect(annResult.peers).toEqual([endpointOf('Host', host)]);
    expect(bobResult.peers).toEqual([endpointOf('Host', host)]);
    expect(hostResult.socket).toBe(host.socket);

    // The lobby is gone after success; the WebSockets stay open.
    for (const client of everyone) {
      await client.next('lobby_closed');
      expect(client.lobbyId).toBeUndefined();
    }

    // Application traffic flows directly between the handed-over sockets, both ways.
    await exchange(hostResult, hostResult.peers[0], ann.socket, 'state:host->ann');
    await exchange(annResult, annResult.peers[0], host.socket, 'state:ann->host');
    await exchange(hostResult, hostResult.peers[1], bob.socket, 'state:host->bob');
    await exchange(bobResult, bobResult.peers[0], host.socket, 'state:bob->host');
  });

  it("rejects a join of a full lobby with OrionRequestError 409 and Orion's errors", async () => {
    const host = await connect();
    const { lobbyId } = await host.host({ hostName: 'Host', lobbyName: 'Tiny', maxMembers: 1 });
    const late = await connect();
    const error = (await late.join(lobbyId, 'Late').catch((e: unknown) => e)) as OrionRequestError;
    expect(error).toBeInstanceOf(OrionRequestError);
    expect(error.status).toBe(409);
    expect(error.errors).toEqual(['The lobby is full.']);
    expect(error.message).toContain('The lobby is full.');
    expect(late.lobbyId).toBeUndefined();
  });

  it('a member that never mediates: the host fails its punch naming that member, no hang', async () => {
    const { host, members } = await party('Half Ready', ['Ann', 'Bob']);
    const [ann, bob] = members;
    // Bob's client still sends ptpMediation_connect (automatically) but never punches.
    const hostMediation = host.mediate({ punchTimeoutMs: PUNCH_TIMEOUT_MS });
    const annMediation = ann.mediate({ punchTimeoutMs: PUNCH_TIMEOUT_MS });
    await host.startMediation();
    await bob.next('ptpMediation_peersConnection_start');

    const hostError = (await hostMediation.catch((e: unknown) => e)) as PunchFailedError;
    expect(hostError).toBeInstanceOf(PunchFailedError);
    expect(hostError.unreachable).toEqual([endpointOf('Bob', bob)]);
    expect(hostError.timeoutMs).toBe(PUNCH_TIMEOUT_MS);
    expect(hostError.message).toContain('Bob');
    expect(hostError.message).not.toContain('Ann');

    // Ann did reach the host and reported success; the mediation then ends by Orion's
    // connect timeout, which her mediate() reports instead of waiting forever.
    const annError = (await annMediation.catch((e: unknown) => e)) as MediationAbortedError;
    expect(annError).toBeInstanceOf(MediationAbortedError);
    expect(annError.reason).toMatch(/connect to its peers/);
  });

  it('a host that never mediates: every member fails its punch naming the host', async () => {
    const { host, members } = await party('No Host', ['Ann', 'Bob']);
    const mediations = members.map((member) =>
      member.mediate({ punchTimeoutMs: PUNCH_TIMEOUT_MS }),
    );
    await host.startMediation();
    for (const mediation of mediations) {
      const error = (await mediation.catch((e: unknown) => e)) as PunchFailedError;
      expect(error).toBeInstanceOf(PunchFailedError);
      expect(error.unreachable).toEqual([endpointOf('Host', host)]);
    }
  });
});
