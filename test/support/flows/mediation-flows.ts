import { createSocket, type SocketType } from 'node:dgram';
import { fileURLToPath, pathToFileURL } from 'node:url';
import request from 'supertest';
import { expect } from 'vitest';
import { encodeFrame, type PeerEndpoint } from '@orion/protocol';
import { MediationService } from '../../../src/mediation/mediation.service.js';
import type { OrionAddress, OrionTestApp } from '../orion/orion-test-app.js';
import { countSince, markOf, methodsSince, nextSince } from '../clients/received.js';
import { TestClient } from '../clients/test-client.js';

/** A client in a lobby, with the name it joined under. */
export interface Peer {
  client: TestClient;
  name: string;
}

/** A lobby opened for a test: the host first, then the members in join order. */
export interface Party {
  lobbyId: string;
  lobbyName: string;
  host: Peer;
  members: Peer[];
  everyone: Peer[];
}

export interface LobbyOptions {
  lobbyName?: string;
  isPublic?: boolean;
  maxMembers?: number;
}

/** Every client a test opens, so that afterEach can close them all. */
export class ClientPool {
  private readonly clients: TestClient[] = [];

  async connect(orion: OrionAddress): Promise<TestClient> {
    const client = await TestClient.connect(orion.wsUrl);
    this.clients.push(client);
    return client;
  }

  /** Closes every client's socket, with `code` if given (see {@link TestClient.close}). */
  async closeAll(code?: number): Promise<void> {
    await Promise.all(this.clients.splice(0).map((client) => client.close(code)));
  }
}

/** Mediation messages (`ptpMediation_*`) received after `mark`. */
export const mediationMethodsSince = (client: TestClient, mark: number): string[] =>
  methodsSince(client, mark).filter((method) => method.startsWith('ptpMediation_'));

export async function createLobby(
  orion: OrionAddress,
  host: TestClient,
  hostName: string,
  options: LobbyOptions = {},
): Promise<request.Response> {
  return request(orion.httpUrl)
    .post('/lobbies')
    .send({
      token: host.token,
      hostName,
      lobbyName: options.lobbyName ?? `${hostName} lobby`,
      isPublic: options.isPublic ?? true,
      maxMembers: options.maxMembers ?? 8,
    });
}

export function joinLobby(
  orion: OrionAddress,
  client: TestClient,
  lobbyId: string,
  peerName: string,
): Promise<request.Response> {
  return request(orion.httpUrl)
    .post(`/lobbies/${lobbyId}/join`)
    .send({ token: client.token, peerName });
}

export function postStart(
  orion: OrionAddress,
  client: TestClient,
  lobbyId: string,
): Promise<request.Response> {
  return request(orion.httpUrl).post(`/lobbies/${lobbyId}/ptp/start`).send({ token: client.token });
}

export async function listLobbies(
  orion: OrionAddress,
): Promise<{ name: string; id: string; currentMembers: number; maxMembers: number }[]> {
  const response = await request(orion.httpUrl).get('/lobbies');
  expect(response.status).toBe(200);
  return response.body.lobbies;
}

/** Expects a 409 whose body is `{ errors: string[] }` with at least one non-empty sentence. */
export function expectConflict(response: request.Response): void {
  expect(response.status).toBe(409);
  expect(Array.isArray(response.body.errors)).toBe(true);
  expect(response.body.errors.length).toBeGreaterThan(0);
  for (const error of response.body.errors) {
    expect(typeof error).toBe('string');
    expect(error.length).toBeGreaterThan(0);
  }
}

/** Connects new clients and puts them in one lobby: the first name hosts, the rest join. */
export async function openParty(
  orion: OrionTestApp,
  pool: ClientPool,
  names: string[],
  options: LobbyOptions = {},
): Promise<Party> {
  const [hostName, ...memberNames] = names;
  const host: Peer = { client: await pool.connect(orion), name: hostName };
  const created = await createLobby(orion, host.client, hostName, options);
  expect(created.status).toBe(201);
  const { lobbyId, lobbyName } = created.body as { lobbyId: string; lobbyName: string };
  const members: Peer[] = [];
  for (const name of memberNames) {
    members.push(await joinPeer(orion, pool, lobbyId, name));
  }
  return { lobbyId, lobbyName, host, members, everyone: [host, ...members] };
}

/** Connects a new client and joins it to the lobby. */
export async function joinPeer(
  orion: OrionAddress,
  pool: ClientPool,
  lobbyId: string,
  name: string,
): Promise<Peer> {
  const client = await pool.connect(orion);
  const joined = await joinLobby(orion, client, lobbyId, name);
  expect(joined.status).toBe(200);
  return { client, name };
}

/** The same lobby with a different set of non-host members (after a leave or a join). */
export const withMembers = (party: Party, members: Peer[]): Party => ({
  ...party,
  members,
  everyone: [party.host, ...members],
});

/** Where the server should see this peer's `ptpMediation_connect` come from. */
export async function endpointOf(peer: Peer): Promise<PeerEndpoint> {
  return { ip: '127.0.0.1', port: await peer.client.udpPort(), name: peer.name };
}

/**
 * Expects exactly these peers, in this order. The spec's shape is `{ip, port}`; an entry
 * may also carry `name`, which must then be the peer's lobby name.
 */
export function expectPeers(actual: PeerEndpoint[], expected: PeerEndpoint[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((entry, index) => {
    expect(Object.keys(entry).every((key) => ['ip', 'port', 'name'].includes(key))).toBe(true);
    expect({ ip: entry.ip, port: entry.port }).toEqual({
      ip: expected[index].ip,
      port: expected[index].port,
    });
    if ('name' in entry) expect(entry.name).toBe(expected[index].name);
  });
}

/** A `ptpMediation_connect` datagram for `token`. */
export const connectFrame = (token: string): string =>
  encodeFrame('ptpMediation_connect', { token });

/**
 * Sends one datagram from a brand-new loopback socket (so from a new source port),
 * then closes it. Returns the port it was sent from.
 */
export async function sendFromNewSocket(
  serverPort: number,
  datagram: string | Buffer,
  type: SocketType = 'udp4',
): Promise<number> {
  const loopback = type === 'udp4' ? '127.0.0.1' : '::1';
  const socket = createSocket(type);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, loopback, () => resolve());
    });
    const { port } = socket.address();
    await new Promise<void>((resolve, reject) =>
      socket.send(datagram, serverPort, loopback, (error) => (error ? reject(error) : resolve())),
    );
    return port;
  } finally {
    socket.close();
  }
}

export function sendSuccess(peer: Peer, token = peer.client.token): void {
  peer.client.send('ptpMediation_peersConnection_success', { token });
}

/** How many mediations still hold timers in the server. */
export const activeTimers = (orion: OrionTestApp): number =>
  orion.app.get(MediationService).activeTimerCount;

/** Expects `first` to have arrived (once) before `second` (once) after `mark`. */
export function expectOrder(client: TestClient, mark: number, first: string, second: string) {
  const methods = methodsSince(client, mark);
  expect(methods.filter((method) => method === first)).toHaveLength(1);
  expect(methods.filter((method) => method === second)).toHaveLength(1);
  expect(methods.indexOf(first)).toBeLessThan(methods.indexOf(second));
}

/**
 * Runs a whole mediation for the party from `ptp/start` to `lobby_closed`, checking
 * every step the protocol promises. Only messages after this call count.
 */
export async function mediateToSuccess(orion: OrionTestApp, party: Party): Promise<void> {
  const marks = new Map(party.everyone.map((peer) => [peer, markOf(peer.client)]));
  const started = await postStart(orion, party.host.client, party.lobbyId);
  expect(started.status).toBe(200);
  for (const peer of party.everyone) {
    const send = await nextSince(peer.client, 'ptpMediation_send', marks.get(peer)!);
    expect(send).toEqual({ port: orion.udpPort });
  }
  for (const peer of party.everyone) await peer.client.sendUdp(orion.udpPort);

  const hostStart = await nextSince(
    party.host.client,
    'ptpMediation_peersConnection_start',
    marks.get(party.host)!,
  );
  expectPeers(hostStart.peers, await Promise.all(party.members.map(endpointOf)));
  const hostEndpoint = await endpointOf(party.host);
  for (const member of party.members) {
    const start = await nextSince(
      member.client,
      'ptpMediation_peersConnection_start',
      marks.get(member)!,
    );
    expectPeers(start.peers, [hostEndpoint]);
  }

  for (const peer of party.everyone) sendSuccess(peer);
  for (const peer of party.everyone) {
    const mark = marks.get(peer)!;
    expect(await nextSince(peer.client, 'ptpMediation_success', mark)).toEqual({});
    expect(await nextSince(peer.client, 'lobby_closed', mark)).toEqual({
      lobbyId: party.lobbyId,
      lobbyName: party.lobbyName,
    });
    expectOrder(peer.client, mark, 'ptpMediation_success', 'lobby_closed');
    expect(countSince(peer.client, 'ptpMediation_peersConnection_start', mark)).toBe(1);
    expect(countSince(peer.client, 'ptpMediation_aborted', mark)).toBe(0);
  }
  expect(activeTimers(orion)).toBe(0);
}

const SERVER_SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

/** Node marks a Timeout destroyed once it was cleared (or, for a one-shot, once it fired). */
const isDestroyed = (handle: NodeJS.Timeout): boolean =>
  (handle as unknown as { _destroyed: boolean })._destroyed;

/**
 * Records every setTimeout/setInterval the server's own code (anything under src/) calls
 * until `stop()`, so a test can check that none of them outlived its mediation.
 */
export function trackServerTimers(): { created(): number; alive(): string[]; stop(): void } {
  const created: { kind: string; handle: NodeJS.Timeout }[] = [];
  const originals = { setTimeout: globalThis.setTimeout, setInterval: globalThis.setInterval };
  // Only timers the server's code sets itself: a library's own (ioredis times each command
  // in flight) come and go with its work and are not the server's to clear.
  const fromServer = () => {
    // Lines: the message, fromServer, the wrapper below, then whoever set the timer.
    const caller = (new Error().stack ?? '').split('\n')[3] ?? '';
    return caller.includes(SERVER_SRC) || caller.includes(pathToFileURL(SERVER_SRC).href);
  };
  for (const kind of ['setTimeout', 'setInterval'] as const) {
    const original = originals[kind] as (...args: unknown[]) => NodeJS.Timeout;
    globalThis[kind] = Object.assign((...args: unknown[]) => {
      const handle = original(...args);
      if (fromServer()) created.push({ kind, handle });
      return handle;
    }, original) as never;
  }
  return {
    created: () => created.length,
    alive: () => created.filter(({ handle }) => !isDestroyed(handle)).map(({ kind }) => kind),
    stop: () => Object.assign(globalThis, originals),
  };
}
