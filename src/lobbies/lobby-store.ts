import type { Lobby, LobbyData, LobbyMember } from './lobby.js';

/**
 * What became of a join: the lobby with its new member, or why the seat was refused. A
 * lobby with a password answers `password` with its hash until the joiner presents it.
 */
export type AddMemberResult =
  | { outcome: 'added'; lobby: Lobby }
  | { outcome: 'password'; passwordHash: string }
  | { outcome: 'missing' | 'already_member' | 'banned' | 'locked' | 'full' | 'name_taken' };

/**
 * What became of a member's departure: the lobby without it (with a new `hostId` when the
 * host handed over), `missing` when the lobby or the member is not there, or `host` when
 * the host left a lobby that does not hand over (no `hostMigration`, locked, or no one else
 * in it): nothing changed, and the caller closes the lobby.
 */
export type RemoveMemberResult =
  { outcome: 'removed'; lobby: Lobby; left: LobbyMember } | { outcome: 'missing' | 'host' };

/** What became of a kick: the lobby without the kicked member, or why it was refused. */
export type KickResult =
  | { outcome: 'kicked'; lobby: Lobby; kicked: LobbyMember }
  | { outcome: 'missing' | 'not_member' | 'not_host' | 'no_such_member' | 'self' };

/** A change to a lobby's settings; `data: null` clears it. Absent fields stay as they are. */
export interface LobbyPatch {
  name?: string;
  isPublic?: boolean;
  data?: LobbyData | null;
}

/** What became of an update: the updated lobby, or why it was refused. */
export type UpdateResult =
  | { outcome: 'updated'; lobby: Lobby }
  | { outcome: 'missing' | 'not_member' | 'not_host' | 'locked' };

/** What became of a lock for mediation: the locked lobby, or why it was refused. */
export type LockResult =
  | { outcome: 'locked'; lobby: Lobby }
  | { outcome: 'missing' | 'not_host' | 'already_locked' | 'too_few' };

/**
 * Lobby state, injected by {@link LOBBY_STORE}. Each operation is atomic on its own and
 * checks what it must against the stored lobby in the same step, so the rules hold even
 * when replicas race for a seat or a name, without a read before the write.
 */
export interface LobbyStore {
  /**
   * Adds the lobby unless its id is taken; false when it is. Throws
   * {@link MemberInAnotherLobby} when one of its members is already in a lobby.
   */
  insert(lobby: Lobby): Promise<boolean>;
  get(id: string): Promise<Lobby | undefined>;
  /** The lobby a client is a member of, if any. */
  findByMember(clientId: string): Promise<Lobby | undefined>;
  /** The id of the lobby a client is a member of, if any: cheaper than the record. */
  lobbyIdOf(clientId: string): Promise<string | undefined>;
  listPublic(): Promise<Lobby[]>;
  /** Every lobby, public or not. */
  list(): Promise<Lobby[]>;
  /**
   * Seats `member` last, checked in this order: a client already in this lobby
   * (`already_member`) or in another ({@link MemberInAnotherLobby} is thrown), a lobby
   * that does not exist, has a password hash other than `passwordHash` (`password`, with
   * the stored hash, so that the caller can check a password against it and try again with
   * that hash), is locked, is full, or has a member whose name has the same
   * {@link import('./name-key.js').nameKey}. A lobby without a password ignores `passwordHash`.
   * A client the lobby banned until after `now` is refused (`banned`) right after the
   * password check; expired bans are dropped.
   */
  addMember(
    lobbyId: string,
    member: LobbyMember,
    passwordHash?: string,
    now?: number,
  ): Promise<AddMemberResult>;
  /**
   * Removes a member. The host's departure hands the lobby over to the member present
   * longest (the first in join order after it) only when the lobby has `hostMigration`, is
   * not locked and keeps a member; otherwise the host is not removed (`host`).
   */
  removeMember(lobbyId: string, clientId: string): Promise<RemoveMemberResult>;
  /**
   * Removes the member whose name has the same name key as `nameKeyOf`, checked in this
   * order: the lobby exists, `hostId` is a member, is its host, such a member exists, and
   * is not the host. With `bannedUntil`, that client may not rejoin before then.
   */
  kick(
    lobbyId: string,
    hostId: string,
    memberNameKey: string,
    bannedUntil?: number,
  ): Promise<KickResult>;
  /**
   * Changes the lobby's name, visibility (and with it the public index) or data, checked in
   * this order: the lobby exists, `hostId` is a member, is its host, the lobby is not locked.
   */
  update(lobbyId: string, hostId: string, patch: LobbyPatch): Promise<UpdateResult>;
  /**
   * Locks the lobby for mediation, checked in this order: it exists, `hostId` is its host,
   * it is not locked yet, it has at least `minMembers` members.
   */
  lock(lobbyId: string, hostId: string, minMembers: number): Promise<LockResult>;
  /** Unlocks the lobby, if it still exists. */
  unlock(lobbyId: string): Promise<void>;
  delete(id: string): Promise<Lobby | undefined>;
  count(): Promise<number>;
}

export const LOBBY_STORE = Symbol('LOBBY_STORE');

/** A store refused a write because it would put a client in two lobbies at once. */
export class MemberInAnotherLobby extends Error {
  constructor(readonly clientId: string) {
    super(`Client ${clientId} is already in another lobby`);
    this.name = 'MemberInAnotherLobby';
  }
}
