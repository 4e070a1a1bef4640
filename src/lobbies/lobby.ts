export interface LobbyMember {
  clientId: string;
  name: string;
}

/** A lobby as stored. `members` is in join order, host first. */
export interface Lobby {
  id: string;
  name: string;
  isPublic: boolean;
  maxMembers: number;
  hostId: string;
  members: LobbyMember[];
  /** Locked while peer-to-peer mediation runs: nobody may join. */
  locked: boolean;
  createdAt: number;
}

export function hostOf(lobby: Lobby): LobbyMember {
  const host = lobby.members.find((member) => member.clientId === lobby.hostId);
  if (!host) throw new Error(`Lobby ${lobby.id} has no host member`);
  return host;
}

export function memberOf(lobby: Lobby, clientId: string): LobbyMember | undefined {
  return lobby.members.find((member) => member.clientId === clientId);
}
