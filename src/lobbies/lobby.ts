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
}

export function hostOf(lobby: Lobby): LobbyMember {
  const host = lobby.members.find((member) => member.clientId === lobby.hostId);
  if (!host) throw new Error(`Lobby ${lobby.id} has no host member`);
  return host;
}

export function memberOf(lobby: Lobby, clientId: string): LobbyMember | undefined {
  return lobby.members.find((member) => member.clientId === clientId);
}
