import type { INestApplication } from '@nestjs/common';
import { ClientsService } from '../../../src/clients/clients.service.js';
import { LobbiesService } from '../../../src/lobbies/lobbies.service.js';
import { MediationService } from '../../../src/mediation/mediation.service.js';
import { sleep } from '../timing.js';

/** How much state the server holds right now. */
export interface StateCounts {
  clients: number;
  lobbies: number;
  mediations: number;
  armedTimers: number;
}

export async function stateCounts(app: INestApplication): Promise<StateCounts> {
  const { mediations, armedLobbyIds } = await app.get(MediationService).inspect();
  return {
    clients: await app.get(ClientsService).count(),
    lobbies: await app.get(LobbiesService).count(),
    mediations: mediations.length,
    armedTimers: armedLobbyIds.length,
  };
}

/**
 * Every rule the server's state must obey whenever it is quiet, as a list of readable
 * violations (empty when all hold): every lobby's host is a member, members never
 * exceed the maximum, names are unique, a client is in at most one lobby and is
 * connected, only locked lobbies mediate, every locked lobby mediates, every mediation
 * has its lobby and the same members, and timers run only for live mediations.
 */
export async function stateViolations(app: INestApplication): Promise<string[]> {
  const clients = app.get(ClientsService);
  const lobbies = await app.get(LobbiesService).all();
  const { mediations, armedLobbyIds } = await app.get(MediationService).inspect();
  const violations: string[] = [];
  const lobbyOfClient = new Map<string, string>();
  const mediationByLobby = new Map(mediations.map((m) => [m.lobbyId, m]));

  for (const lobby of lobbies) {
    const memberIds = lobby.members.map((member) => member.clientId);
    if (!memberIds.includes(lobby.hostId)) violations.push(`${lobby.id}: host is not a member`);
    if (lobby.members.length > lobby.maxMembers)
      violations.push(`${lobby.id}: ${lobby.members.length} members > max ${lobby.maxMembers}`);
    const names = new Set(lobby.members.map((member) => member.name));
    if (names.size !== lobby.members.length) violations.push(`${lobby.id}: duplicate names`);
    for (const clientId of memberIds) {
      const other = lobbyOfClient.get(clientId);
      if (other !== undefined) violations.push(`${clientId}: in lobbies ${other} and ${lobby.id}`);
      lobbyOfClient.set(clientId, lobby.id);
      if (!(await clients.isRegistered(clientId)))
        violations.push(`${lobby.id}: member ${clientId} is not a connected client`);
    }
    const mediation = mediationByLobby.get(lobby.id);
    if (mediation && !lobby.locked) violations.push(`${lobby.id}: mediates but is not locked`);
    if (!mediation && lobby.locked) violations.push(`${lobby.id}: locked with no mediation`);
    if (mediation) {
      const mediated = mediation.members.map((member) => member.clientId).sort();
      if (mediated.join() !== [...memberIds].sort().join())
        violations.push(`${lobby.id}: mediation members differ from lobby members`);
    }
  }
  const lobbyIds = new Set(lobbies.map((lobby) => lobby.id));
  for (const mediation of mediations)
    if (!lobbyIds.has(mediation.lobbyId))
      violations.push(`${mediation.lobbyId}: mediation without a lobby`);
  for (const lobbyId of armedLobbyIds)
    if (!mediationByLobby.has(lobbyId))
      violations.push(`${lobbyId}: timers for an ended mediation`);
  return violations;
}

/**
 * {@link stateViolations} once the server has settled: clean-up after a client leaves is
 * asynchronous (a store round trip each step with Redis), so this polls for up to
 * `timeoutMs` and returns the last violations seen, empty as soon as none remain.
 */
export async function settledStateViolations(
  app: INestApplication,
  timeoutMs = 3_000,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const violations = await stateViolations(app);
    if (violations.length === 0 || Date.now() > deadline) return violations;
    await sleep(20);
  }
}
