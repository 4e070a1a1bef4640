import type { Lobby, LobbyMember } from './lobby.js';

/**
 * What became of a join: the lobby with its new member, or why the seat was refused. A
 * lobby with a password answers `password` with its hash until the joiner presents it.
 */
export type AddMemberResult =
  | { outcome: 'added'; lobby: Lobby }
  | { outcome: 'password'; passwordHash: string }
  | { outcome: 'missing' | 'already_member' | 'locked' | 'full' | 'name_taken' };

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
   */
  addMember(lobbyId: string, member: LobbyMember, passwordHash?: string): Promise<AddMemberResult>;
  /** Removes a member; undefined when the lobby does not exist or the client is not in it. */
  removeMember(lobbyId: string, clientId: string): Promise<Lobby | undefined>;
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
