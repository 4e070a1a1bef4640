import type { ClientRecord, ClientStore } from './client-store.js';

/**
 * A shared {@link ClientStore} with this process's own clients answered from memory. A
 * record never changes after registration and a client's socket (so its registration and
 * its departure) belongs to the process that registered it, so a record this process
 * inserted and has not deleted is exactly what the shared store holds: reading it there
 * would only cost a round trip per request, frame and report of every local client.
 * Other processes' clients are read from the shared store.
 */
export class LocalFirstClientStore implements ClientStore {
  private readonly byId = new Map<string, ClientRecord>();
  private readonly idsByToken = new Map<string, string>();

  constructor(private readonly shared: ClientStore) {}

  async insert(client: ClientRecord): Promise<void> {
    await this.shared.insert(client);
    this.byId.set(client.id, client);
    this.idsByToken.set(client.token, client.id);
  }

  async get(id: string): Promise<ClientRecord | undefined> {
    return this.byId.get(id) ?? this.shared.get(id);
  }

  async findByToken(token: string): Promise<ClientRecord | undefined> {
    const id = this.idsByToken.get(token);
    return id === undefined ? this.shared.findByToken(token) : this.byId.get(id);
  }

  async delete(id: string): Promise<ClientRecord | undefined> {
    // Forgotten here before the shared delete, so that nothing in this process sees the
    // client as registered once its departure has begun (see LobbiesService.refuseIfGone).
    const local = this.byId.get(id);
    if (local) {
      this.byId.delete(id);
      this.idsByToken.delete(local.token);
    }
    return this.shared.delete(id);
  }

  count(): Promise<number> {
    return this.shared.count();
  }

  idsOnReplica(replicaId: string): Promise<string[]> {
    return this.shared.idsOnReplica(replicaId);
  }
}
