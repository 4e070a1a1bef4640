import type { PeerEndpoint } from '@orion/protocol';
import type { LobbyMember } from '../lobbies/lobby.js';

/**
 * The phases of one lobby's mediation. A mediation that succeeds or aborts is deleted,
 * so "ended" is the absence of a record.
 *
 * | phase        | event                         | next                                   |
 * |--------------|-------------------------------|----------------------------------------|
 * | (none)       | host starts                   | collecting: ptpMediation_send to all   |
 * | collecting   | first UDP packet of a member  | collecting, or connecting when all in  |
 * | collecting   | reminder tick                 | collecting: ptpMediation_send to those missing |
 * | collecting   | collect timeout               | ended: ptpMediation_aborted            |
 * | connecting   | member reports success        | connecting, or ended: ptpMediation_success + lobby_closed |
 * | connecting   | connect timeout               | ended: ptpMediation_aborted            |
 * | any          | a member leaves               | ended: ptpMediation_aborted, lobby unlocked |
 * | any          | the lobby closes              | ended silently                         |
 *
 * Repeated or late UDP packets and success reports outside `connecting` change nothing.
 */
export type MediationPhase = 'collecting' | 'connecting';

export interface Endpoint {
  ip: string;
  port: number;
}

export interface Mediation {
  lobbyId: string;
  hostId: string;
  /** The lobby's members when mediation started, in join order, host first. */
  members: readonly LobbyMember[];
  phase: MediationPhase;
  /** Public UDP endpoint of each member heard from, by client id. */
  endpoints: Record<string, Endpoint>;
  /** Members who reported that they reached all their peers. */
  connected: string[];
  startedAt: number;
  /** When the current phase began, for the phase-duration metrics. */
  phaseStartedAt: number;
}

export function startMediation(
  lobbyId: string,
  hostId: string,
  members: readonly LobbyMember[],
  now = Date.now(),
): Mediation {
  // One clock reading: collecting begins when the mediation does.
  return {
    lobbyId,
    hostId,
    members,
    phase: 'collecting',
    endpoints: {},
    connected: [],
    startedAt: now,
    phaseStartedAt: now,
  };
}

/**
 * Records a member's endpoint; undefined when the packet changes nothing. The packet that
 * completes the set moves the mediation to `connecting` at `now`. (The Redis store runs
 * the same rule in Lua: src/redis/mediation-scripts.ts.)
 */
export function recordEndpoint(
  mediation: Mediation,
  clientId: string,
  endpoint: Endpoint,
  now = Date.now(),
): Mediation | undefined {
  if (mediation.phase !== 'collecting' || clientId in mediation.endpoints) return undefined;
  if (!isMember(mediation, clientId)) return undefined;
  const endpoints = { ...mediation.endpoints, [clientId]: endpoint };
  const everyoneHeard = mediation.members.every((member) => member.clientId in endpoints);
  if (!everyoneHeard) return { ...mediation, endpoints };
  return { ...mediation, endpoints, phase: 'connecting', phaseStartedAt: now };
}

/** Records a member's success report; undefined when it changes nothing (Lua twin as above). */
export function recordConnected(mediation: Mediation, clientId: string): Mediation | undefined {
  if (mediation.phase !== 'connecting' || mediation.connected.includes(clientId)) return undefined;
  if (!isMember(mediation, clientId)) return undefined;
  return { ...mediation, connected: [...mediation.connected, clientId] };
}

export function everyoneConnected(mediation: Mediation): boolean {
  return mediation.members.every((member) => mediation.connected.includes(member.clientId));
}

export function membersNotHeardFrom(mediation: Mediation): LobbyMember[] {
  return mediation.members.filter((member) => !(member.clientId in mediation.endpoints));
}

/**
 * Who each member must reach directly: the host gets every other member in join
 * order, every other member gets the host.
 */
export function peersFor(mediation: Mediation, clientId: string): PeerEndpoint[] {
  const toPeer = (member: LobbyMember): PeerEndpoint => ({
    ...mediation.endpoints[member.clientId],
    name: member.name,
  });
  if (clientId === mediation.hostId) {
    return mediation.members.filter((member) => member.clientId !== clientId).map(toPeer);
  }
  return mediation.members.filter((member) => member.clientId === mediation.hostId).map(toPeer);
}

/**
 * The members named in `peerNames` whom `clientId` is paired with (see {@link peersFor}), while
 * the peers phase lasts; names of anyone else are left out. Undefined outside that phase or
 * for a non-member.
 */
export function pairedPeersNamed(
  mediation: Mediation,
  clientId: string,
  peerNames: readonly string[],
): { self: LobbyMember; peers: LobbyMember[] } | undefined {
  if (mediation.phase !== 'connecting') return undefined;
  const self = mediation.members.find((member) => member.clientId === clientId);
  if (!self) return undefined;
  const isPaired = (member: LobbyMember) =>
    member.clientId !== clientId &&
    (clientId === mediation.hostId || member.clientId === mediation.hostId);
  const peers = mediation.members.filter(
    (member) => isPaired(member) && peerNames.includes(member.name),
  );
  return { self, peers };
}

function isMember(mediation: Mediation, clientId: string): boolean {
  return mediation.members.some((member) => member.clientId === clientId);
}
