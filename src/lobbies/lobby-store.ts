import type { Lobby } from './lobby.js';

/**
 * Lobby state, injected by {@link LOBBY_STORE}. Each write is atomic on its own: a
 * shared store implements `update` as compare-and-set, so rules checked inside the
 * change function hold even when replicas race.
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
   * Replaces the lobby with `change(current)`. `change` may throw to refuse; nothing
   * is written then. Returns undefined when the lobby does not exist. Throws
   * {@link MemberInAnotherLobby} when the change adds a client that is in another lobby.
   */
  update(id: string, change: (current: Lobby) => Lobby): Promise<Lobby | undefined>;
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
