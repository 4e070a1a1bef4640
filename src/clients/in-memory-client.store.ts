import {
  awayRecord,
  resumeOf,
  type ClientRecord,
  type ClientStore,
  type ResumeResult,
} from './client-store.js';

export class InMemoryClientStore implements ClientStore {
  private readonly byId = new Map<string, ClientRecord>();
  private readonly idByToken = new Map<string, string>();

  async insert(client: ClientRecord): Promise<void> {
    this.byId.set(client.id, client);
    this.idByToken.set(client.token, client.id);
  }

  async get(id: string): Promise<ClientRecord | undefined> {
    return this.byId.get(id);
  }

  async findByToken(token: string): Promise<ClientRecord | undefined> {
    const id = this.idByToken.get(token);
    return id === undefined ? undefined : this.byId.get(id);
  }

  async delete(id: string): Promise<ClientRecord | undefined> {
    const client = this.byId.get(id);
    if (!client) return undefined;
    this.byId.delete(id);
    this.idByToken.delete(client.token);
    return client;
  }

  async count(): Promise<number> {
    return this.byId.size;
  }

  async idsOnReplica(replicaId: string): Promise<string[]> {
    return [...this.byId.values()]
      .filter((client) => client.replicaId === replicaId)
      .map((client) => client.id);
  }

  async markAway(id: string, awayUntil: number): Promise<boolean> {
    const client = this.byId.get(id);
    if (!client) return false;
    this.byId.set(id, awayRecord(client, awayUntil));
    return true;
  }

  async resume(token: string, replicaId: string, takeOverFrom?: string): Promise<ResumeResult> {
    // Read and written in one turn, so that racing resumes see each other.
    const id = this.idByToken.get(token);
    const client = id === undefined ? undefined : this.byId.get(id);
    const result = resumeOf(client, replicaId, takeOverFrom);
    if (result.outcome === 'resumed') this.byId.set(result.client.id, result.client);
    return result;
  }

  async expire(id: string, awayUntil: number): Promise<ClientRecord | undefined> {
    const client = this.byId.get(id);
    if (client?.awayUntil !== awayUntil) return undefined;
    return this.delete(id);
  }

  /** Nothing is cached apart from the records themselves: one process, one copy. */
  evictCached(): void {}
}
