import type { Redis } from 'ioredis';
import type { ClientRecord, ClientStore } from '../clients/client-store.js';
import type { RedisKeys } from './redis-keys.js';

/**
 * Clients in Redis: the record by id, the id by token, the set of ids for counting, and
 * each replica's set of ids, so that a survivor can find a dead replica's clients.
 */
export class RedisClientStore implements ClientStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async insert(client: ClientRecord): Promise<void> {
    await this.redis
      .multi()
      .set(this.keys.client(client.id), JSON.stringify(client))
      .set(this.keys.token(client.token), client.id)
      .sadd(this.keys.clients, client.id)
      .sadd(this.keys.replicaClients(client.replicaId), client.id)
      .exec();
  }

  async get(id: string): Promise<ClientRecord | undefined> {
    return parse(await this.redis.get(this.keys.client(id)));
  }

  async findByToken(token: string): Promise<ClientRecord | undefined> {
    const id = await this.redis.get(this.keys.token(token));
    return id === null ? undefined : this.get(id);
  }

  async delete(id: string): Promise<ClientRecord | undefined> {
    // GETDEL makes exactly one caller the one that removed the client.
    const client = parse(await this.redis.getdel(this.keys.client(id)));
    if (!client) return undefined;
    await this.redis
      .multi()
      .del(this.keys.token(client.token))
      .srem(this.keys.clients, id)
      .srem(this.keys.replicaClients(client.replicaId), id)
      .exec();
    return client;
  }

  async count(): Promise<number> {
    return this.redis.scard(this.keys.clients);
  }

  idsOnReplica(replicaId: string): Promise<string[]> {
    return this.redis.smembers(this.keys.replicaClients(replicaId));
  }
}

function parse(json: string | null): ClientRecord | undefined {
  return json === null ? undefined : (JSON.parse(json) as ClientRecord);
}
