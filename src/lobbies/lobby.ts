/** A lobby's own data: a flat map of short string keys to strings or finite numbers. */
export type LobbyData = Readonly<Record<string, string | number>>;

export interface LobbyMember {
  readonly clientId: string;
  readonly name: string;
}

/**
 * A lobby as stored. Records are immutable: a change builds a new record, so stores
 * can hand them out without copying. `members` is in join order, host first.
 */
export interface Lobby {
  readonly id: string;
  readonly name: string;
  readonly isPublic: boolean;
  readonly maxMembers: number;
  readonly hostId: string;
  readonly members: readonly LobbyMember[];
  /** Locked while peer-to-peer mediation runs: nobody may join. */
  readonly locked: boolean;
  readonly createdAt: number;
  /** What the host set at creation (mode, map, build...): absent when it set nothing. */
  readonly data?: LobbyData;
  /**
   * The join password as a salted hash (see lobby-password.ts), absent for a lobby without
   * one. Never goes into a response, a message or a log line.
   */
  readonly passwordHash?: string;
  /**
   * True when the host asked for hand-over: if the host leaves an unlocked lobby, the
   * member present longest becomes host. Absent (never false) for a lobby without it.
   */
  readonly hostMigration?: boolean;
  /**
   * Kicked clients that may not rejoin yet: client id to the time (ms since epoch) the ban
   * ends. Absent when there is none. Never goes into a response, a message or a log line.
   */
  readonly bans?: Readonly<Record<string, number>>;
}

export function hostOf(lobby: Lobby): LobbyMember {
  const host = lobby.members.find((member) => member.clientId === lobby.hostId);
  if (!host) throw new Error(`Lobby ${lobby.id} has no host member`);
  return host;
}

export function memberOf(lobby: Lobby, clientId: string): LobbyMember | undefined {
  return lobby.members.find((member) => member.clientId === clientId);
}
