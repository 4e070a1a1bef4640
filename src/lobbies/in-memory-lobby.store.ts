import type { Lobby } from './lobby.js';
import { MemberInAnotherLobby, type LobbyStore } from './lobby-store.js';

/** Process-local lobby state. Records are immutable, so they are shared, not copied. */
export class InMemoryLobbyStore implements LobbyStore {
  private readonly lobbies = new Map<string, Lobby>();
  private readonly lobbyIdByMember = new Map<string, string>();

  async insert(lobby: Lobby): Promise<boolean> {
    if (this.lobbies.has(lobby.id)) return false;
    this.refuseMembersElsewhere(lobby);
    this.write(lobby);
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

  async update(id: string, change: (current: Lobby) => Lobby): Promise<Lobby | undefined> {
    const current = this.lobbies.get(id);
    if (!current) return undefined;
    const next = change(current);
    this.refuseMembersElsewhere(next);
    this.unindex(current);
    this.write(next);
    return next;
  }

  async delete(id: string): Promise<Lobby | undefined> {
    const lobby = this.lobbies.get(id);
    if (!lobby) return undefined;
    this.lobbies.delete(id);
    this.unindex(lobby);
    return lobby;
  }

  async count(): Promise<number> {
    return this.lobbies.size;
  }

  private refuseMembersElsewhere(lobby: Lobby): void {
    for (const { clientId } of lobby.members) {
      const other = this.lobbyIdByMember.get(clientId);
      if (other !== undefined && other !== lobby.id) throw new MemberInAnotherLobby(clientId);
    }
  }

  private write(lobby: Lobby): void {
    this.lobbies.set(lobby.id, lobby);
    for (const member of lobby.members) this.lobbyIdByMember.set(member.clientId, lobby.id);
  }

  private unindex(lobby: Lobby): void {
    for (const member of lobby.members) {
      if (this.lobbyIdByMember.get(member.clientId) === lobby.id) {
        this.lobbyIdByMember.delete(member.clientId);
      }
    }
  }
}
