import { expect } from 'vitest';
import { sleep } from '../timing.js';
import { Client } from './client.js';
import { http, type HttpResult } from './http.js';
import { QUIET_MS } from './run.js';
import type { Json } from './wire.js';

export interface LobbyOptions {
  lobbyName?: string;
  isPublic?: boolean;
  maxMembers?: number;
  hostName?: string;
}

export async function createLobby(host: Client, opts: LobbyOptions = {}): Promise<string> {
  const res = await http('POST', '/lobbies', {
    token: host.token,
    hostName: opts.hostName ?? 'Host',
    lobbyName: opts.lobbyName ?? 'Test Lobby',
    isPublic: opts.isPublic ?? true,
    maxMembers: opts.maxMembers ?? 8,
  });
  expect(res.status, `create lobby: ${res.text}`).toBe(201);
  return (res.json as Json).lobbyId as string;
}

export async function joinLobby(
  client: Client,
  lobbyId: string,
  peerName: string,
): Promise<HttpResult> {
  const res = await http('POST', `/lobbies/${lobbyId}/join`, { token: client.token, peerName });
  expect(res.status, `join ${peerName}: ${res.text}`).toBe(200);
  return res;
}

export const startMediation = (lobbyId: string, token: string) =>
  http('POST', `/lobbies/${lobbyId}/ptp/start`, { token });

export async function listLobbies(): Promise<Json[]> {
  const res = await http('GET', '/lobbies');
  expect(res.status).toBe(200);
  return (res.json as { lobbies: Json[] }).lobbies;
}

export interface Setup {
  host: Client;
  members: Client[];
  lobbyId: string;
  lobbyName: string;
  names: string[];
}

const MEMBER_NAMES = ['Peer_1', 'Peer 2', 'peer3'];

/** A host plus `memberCount` members, optionally each with its own bound UDP socket. */
export async function setupLobby(memberCount: number, withUdp = false, opts: LobbyOptions = {}) {
  const lobbyName = opts.lobbyName ?? 'Test Lobby';
  const host = await Client.connect('host', '/', withUdp);
  const lobbyId = await createLobby(host, { ...opts, lobbyName });
  const members: Client[] = [];
  for (let i = 0; i < memberCount; i++) {
    const member = await Client.connect(MEMBER_NAMES[i], '/', withUdp);
    await joinLobby(member, lobbyId, MEMBER_NAMES[i]);
    members.push(member);
  }
  const setup: Setup = {
    host,
    members,
    lobbyId,
    lobbyName,
    names: ['Host', ...MEMBER_NAMES.slice(0, memberCount)],
  };
  return setup;
}

/**
 * Asserts that none of `clients` receives a ptpMediation_* message from now on, for at least
 * QUIET_MS and at least until `until` (so leaked phase timers would be caught).
 */
export async function expectNoMoreMediationMessages(clients: Client[], until = 0): Promise<void> {
  const marks = clients.map((c) => c.mark());
  await sleep(Math.max(QUIET_MS, until - Date.now()));
  const stray = clients.flatMap((c, i) =>
    c.since(marks[i], 'ptpMediation_').map((m) => `${c.label} got ${m.method}`),
  );
  expect(stray, 'ptpMediation_* messages after the mediation ended').toEqual([]);
}
