import type { ClientRecord, ClientStore, ResumeResult } from './client-store.js';

/**
 * A shared {@link ClientStore} with this process's own clients answered from memory. A
 * client's socket (so its registration, its departure, and its absence and return with
 * reconnection) belongs to the process that holds it, and an attached client's record
 * changes only there, so a record this process inserted or resumed, and has not deleted
 * or marked away, is exactly what the shared store holds: reading it there would only cost
 * a round trip per request, frame and report of every local client. A client that goes
 * away leaves this cache, so that its record, now changing (resumed elsewhere, expired), is
 * read from the shared store; a resume here puts it back. Other processes' clients are read
 * from the shared store. A client another replica takes over is evicted the same way.
 */
export class LocalFirstClientStore implements ClientStore {
  private readonly byId = new Map<string, ClientRecord>();
  private readonly idsByToken = new Map<string, string>();

  constructor(private readonly shared: ClientStore) {}

  async insert(client: ClientRecord): Promise<void> {
    await this.shared.insert(client);
    this.remember(client);
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
    this.forget(id);
    return this.shared.delete(id);
  }

  count(): Promise<number> {
    return this.shared.count();
  }

  idsOnReplica(replicaId: string): Promise<string[]> {
    return this.shared.idsOnReplica(replicaId);
  }

  async markAway(id: string, awayUntil: number): Promise<boolean> {
    this.forget(id);
    return this.shared.markAway(id, awayUntil);
  }

  async resume(token: string, replicaId: string, takeOverFrom?: string): Promise<ResumeResult> {
    const result = await this.shared.resume(token, replicaId, takeOverFrom);
    if (result.outcome === 'resumed') this.remember(result.client);
    return result;
  }

  async expire(id: string, awayUntil: number): Promise<ClientRecord | undefined> {
    // An away client is not cached; one resumed here since stays cached, and stays.
    return this.shared.expire(id, awayUntil);
  }

  evictCached(id: string): void {
    this.forget(id);
  }

  private remember(client: ClientRecord): void {
    this.byId.set(client.id, client);
    this.idsByToken.set(client.token, client.id);
  }

  private forget(id: string): void {
    const local = this.byId.get(id);
    if (!local) return;
    this.byId.delete(id);
    this.idsByToken.delete(local.token);
  }
}
