import type { Lobby, LobbyMember } from './lobby.js';
import {
  MemberInAnotherLobby,
  type AddMemberResult,
  type KickResult,
  type LobbyPatch,
  type LobbyStore,
  type LockResult,
  type RemoveMemberResult,
  type UpdateResult,
} from './lobby-store.js';
import { nameKey } from './name-key.js';

/** Process-local lobby state. Records are immutable, so they are shared, not copied. */
export class InMemoryLobbyStore implements LobbyStore {
  private readonly lobbies = new Map<string, Lobby>();
  private readonly lobbyIdByMember = new Map<string, string>();

  async insert(lobby: Lobby): Promise<boolean> {
    if (this.lobbies.has(lobby.id)) return false;
    for (const { clientId } of lobby.members) {
      if (this.lobbyIdByMember.has(clientId)) throw new MemberInAnotherLobby(clientId);
    }
    this.lobbies.set(lobby.id, lobby);
    for (const member of lobby.members) this.lobbyIdByMember.set(member.clientId, lobby.id);
    return true;
  }

  async get(id: string): Promise<Lobby | undefined> {
    return this.lobbies.get(id);
  }

  async findByMember(clientId: string): Promise<Lobby | undefined> {
    const lobbyId = this.lobbyIdByMember.get(clientId);
    return lobbyId === undefined ? undefined : this.lobbies.get(lobbyId);
  }

  async lobbyIdOf(clientId: string): Promise<string | undefined> {
    return this.lobbyIdByMember.get(clientId);
  }

  async list(): Promise<Lobby[]> {
    return [...this.lobbies.values()];
  }

  async listPublic(): Promise<Lobby[]> {
    return [...this.lobbies.values()].filter((lobby) => lobby.isPublic);
  }

  async addMember(
    lobbyId: string,
    member: LobbyMember,
    passwordHash?: string,
    now = Date.now(),
  ): Promise<AddMemberResult> {
    const memberOf = this.lobbyIdByMember.get(member.clientId);
    if (memberOf === lobbyId) return { outcome: 'already_member' };
    if (memberOf !== undefined) throw new MemberInAnotherLobby(member.clientId);
    const current = this.lobbies.get(lobbyId);
    if (!current) return { outcome: 'missing' };
    if (current.passwordHash !== undefined && current.passwordHash !== passwordHash) {
      return { outcome: 'password', passwordHash: current.passwordHash };
    }
    const bans = liveBans(current.bans, now);
    if (bans?.[member.clientId] !== undefined) return { outcome: 'banned' };
    if (current.locked) return { outcome: 'locked' };
    if (current.members.length >= current.maxMembers) return { outcome: 'full' };
    const key = nameKey(member.name);
    if (current.members.some((other) => nameKey(other.name) === key)) {
      return { outcome: 'name_taken' };
    }
    const { bans: _expired, ...rest } = current;
    const lobby: Lobby = { ...rest, members: [...current.members, member], ...(bans && { bans }) };
    this.lobbies.set(lobbyId, lobby);
    this.lobbyIdByMember.set(member.clientId, lobbyId);
    return { outcome: 'added', lobby };
  }

  async removeMember(lobbyId: string, clientId: string): Promise<RemoveMemberResult> {
    const current = this.lobbies.get(lobbyId);
    const left = current?.members.find((member) => member.clientId === clientId);
    if (!current || !left) return { outcome: 'missing' };
    const members = current.members.filter((m) => m.clientId !== clientId);
    let hostId = current.hostId;
    if (clientId === current.hostId) {
      if (!current.hostMigration || current.locked || members.length === 0) {
        return { outcome: 'host' };
      }
      hostId = members[0].clientId;
    }
    const lobby = { ...current, hostId, members };
    this.lobbies.set(lobbyId, lobby);
    this.lobbyIdByMember.delete(clientId);
    return { outcome: 'removed', lobby, left };
  }

  async kick(
    lobbyId: string,
    hostId: string,
    memberNameKey: string,
    bannedUntil?: number,
  ): Promise<KickResult> {
    const current = this.lobbies.get(lobbyId);
    if (!current) return { outcome: 'missing' };
    if (!current.members.some((member) => member.clientId === hostId)) {
      return { outcome: 'not_member' };
    }
    if (current.hostId !== hostId) return { outcome: 'not_host' };
    const kicked = current.members.find((member) => nameKey(member.name) === memberNameKey);
    if (!kicked) return { outcome: 'no_such_member' };
    if (kicked.clientId === hostId) return { outcome: 'self' };
    const members = current.members.filter((member) => member !== kicked);
    const bans =
      bannedUntil === undefined
        ? current.bans
        : { ...current.bans, [kicked.clientId]: bannedUntil };
    const lobby: Lobby = { ...current, members, ...(bans && { bans }) };
    this.lobbies.set(lobbyId, lobby);
    this.lobbyIdByMember.delete(kicked.clientId);
    return { outcome: 'kicked', lobby, kicked };
  }

  async update(lobbyId: string, hostId: string, patch: LobbyPatch): Promise<UpdateResult> {
    const current = this.lobbies.get(lobbyId);
    if (!current) return { outcome: 'missing' };
    if (!current.members.some((member) => member.clientId === hostId)) {
      return { outcome: 'not_member' };
    }
    if (current.hostId !== hostId) return { outcome: 'not_host' };
    if (current.locked) return { outcome: 'locked' };
    const { data: _old, ...rest } = current;
    const data = patch.data === undefined ? current.data : (patch.data ?? undefined);
    const lobby: Lobby = {
      ...rest,
      name: patch.name ?? current.name,
      isPublic: patch.isPublic ?? current.isPublic,
      ...(data && { data }),
    };
    this.lobbies.set(lobbyId, lobby);
    return { outcome: 'updated', lobby };
  }

  async lock(lobbyId: string, hostId: string, minMembers: number): Promise<LockResult> {
    const current = this.lobbies.get(lobbyId);
    if (!current) return { outcome: 'missing' };
    if (current.hostId !== hostId) return { outcome: 'not_host' };
    if (current.locked) return { outcome: 'already_locked' };
    if (current.members.length < minMembers) return { outcome: 'too_few' };
    const lobby = { ...current, locked: true };
    this.lobbies.set(lobbyId, lobby);
    return { outcome: 'locked', lobby };
  }

  async unlock(lobbyId: string): Promise<void> {
    const current = this.lobbies.get(lobbyId);
    if (current) this.lobbies.set(lobbyId, { ...current, locked: false });
  }

  async delete(id: string): Promise<Lobby | undefined> {
    const lobby = this.lobbies.get(id);
    if (!lobby) return undefined;
    this.lobbies.delete(id);
    for (const member of lobby.members) this.lobbyIdByMember.delete(member.clientId);
    return lobby;
  }

  async count(): Promise<number> {
    return this.lobbies.size;
  }
}

/** The bans still running at `now`; undefined when none is. */
function liveBans(
  bans: Readonly<Record<string, number>> | undefined,
  now: number,
): Record<string, number> | undefined {
  if (bans === undefined) return undefined;
  const live = Object.entries(bans).filter(([, until]) => until > now);
  return live.length === 0 ? undefined : Object.fromEntries(live);
}
