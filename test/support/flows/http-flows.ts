import request, { type Response } from 'supertest';
import { expect } from 'vitest';
import { markOf, receivedSince } from '../clients/received.js';
import { TestClient } from '../clients/test-client.js';
import { sleep } from '../timing.js';

/** The exact message every HTTP route answers for an unknown or stale token. */
export const UNREGISTERED = 'The client is unregistered. Try reconnecting.';

/** Lobby ids are 5 characters of base 36, upper case. */
export const LOBBY_ID_PATTERN = /^[A-Z0-9]{5}$/;

/** How long to wait before concluding that a message is not coming. */
export const QUIET_MS = 250;

export interface LobbyOptions {
  hostName?: string;
  lobbyName?: string;
  isPublic?: boolean;
  maxMembers?: number;
}

/** Opens clients and closes every one of them in `closeAll` (call it in afterEach). */
export class ClientPool {
  private readonly clients: TestClient[] = [];

  constructor(private readonly wsUrl: () => string) {}

  async connect(path = '/'): Promise<TestClient> {
    const client = await TestClient.connect(this.wsUrl(), path);
    this.clients.push(client);
    return client;
  }

  async connectMany(count: number): Promise<TestClient[]> {
    return Promise.all(Array.from({ length: count }, () => this.connect()));
  }

  async closeAll(): Promise<void> {
    const clients = this.clients.splice(0);
    await Promise.all(clients.map((client) => client.close()));
  }
}

/** A valid create-lobby body for `client`, with `overrides` applied. */
export function lobbyBody(client: TestClient, overrides: LobbyOptions = {}) {
  return {
    token: client.token,
    hostName: 'Host',
    lobbyName: 'Friday Night',
    isPublic: true,
    maxMembers: 4,
    ...overrides,
  };
}

/** POST /lobbies that must succeed; returns the 201 body. */
export async function createLobby(
  httpUrl: string,
  host: TestClient,
  options: LobbyOptions = {},
): Promise<{ lobbyId: string; lobbyName: string }> {
  const response = await request(httpUrl).post('/lobbies').send(lobbyBody(host, options));
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

/** POST /lobbies/:id/join that must succeed; returns the 200 body. */
export async function joinLobby(
  httpUrl: string,
  client: TestClient,
  lobbyId: string,
  peerName: string,
): Promise<{ lobbyId: string; lobbyName: string; lobbyMembers: string[]; host: string }> {
  const response = await postJoin(httpUrl, client.token, lobbyId, peerName);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

export function postJoin(
  httpUrl: string,
  token: unknown,
  lobbyId: string,
  peerName: unknown,
): Promise<Response> {
  return request(httpUrl)
    .post(`/lobbies/${encodeURIComponent(lobbyId)}/join`)
    .send({ token, peerName });
}

export function postStart(httpUrl: string, token: unknown, lobbyId: string): Promise<Response> {
  return request(httpUrl)
    .post(`/lobbies/${encodeURIComponent(lobbyId)}/ptp/start`)
    .send({ token });
}

/** POST /lobbies/:id/ptp/start that must succeed. */
export async function startMediation(
  httpUrl: string,
  host: TestClient,
  lobbyId: string,
): Promise<void> {
  const response = await postStart(httpUrl, host.token, lobbyId);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
}

/** A host with a lobby and `memberNames.length` members who joined in that order. */
export async function lobbyWithMembers(
  httpUrl: string,
  pool: ClientPool,
  memberNames: string[],
  options: LobbyOptions = {},
): Promise<{ lobbyId: string; lobbyName: string; host: TestClient; members: TestClient[] }> {
  const host = await pool.connect();
  const { lobbyId, lobbyName } = await createLobby(httpUrl, host, options);
  const members: TestClient[] = [];
  for (const name of memberNames) {
    const member = await pool.connect();
    await joinLobby(httpUrl, member, lobbyId, name);
    members.push(member);
  }
  return { lobbyId, lobbyName, host, members };
}

/**
 * Asserts the `{ errors: string[] }` error shape: exactly that key, at least one
 * non-empty message, none prefixed with "Error:". With `message`, it must be the only one.
 */
export function expectErrors(response: Response, status: number, message?: string): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.headers['content-type']).toMatch(/application\/json/);
  const body = response.body as { errors: unknown };
  expect(Object.keys(body)).toEqual(['errors']);
  expect(Array.isArray(body.errors)).toBe(true);
  const errors = body.errors as unknown[];
  expect(errors.length).toBeGreaterThan(0);
  for (const error of errors) {
    expect(typeof error).toBe('string');
    expect((error as string).trim().length).toBeGreaterThan(0);
    expect(error as string).not.toMatch(/^\s*\w*Error:/);
  }
  if (message !== undefined) expect(errors).toEqual([message]);
}

/** How many messages each client has received so far; pass it to `receivedSince`. */
export function mark(clients: TestClient[]): number[] {
  return clients.map(markOf);
}

/** Waits a moment and asserts that none of `clients` received anything since `marks`. */
export async function expectNothingReceived(
  clients: TestClient[],
  marks: number[],
  ms = QUIET_MS,
): Promise<void> {
  await sleep(ms);
  clients.forEach((client, index) => {
    expect(receivedSince(client, marks[index]).map((m) => m.method)).toEqual([]);
  });
}

/** The public lobbies listed by GET /lobbies. */
export async function listLobbies(
  httpUrl: string,
): Promise<{ name: string; id: string; currentMembers: number; maxMembers: number }[]> {
  const response = await request(httpUrl).get('/lobbies');
  expect(response.status).toBe(200);
  return response.body.lobbies;
}
