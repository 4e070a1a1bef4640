import type { Redis } from 'ioredis';
import type { ClientRecord, ClientStore, ResumeResult } from '../clients/client-store.js';
import { CLIENT_SCRIPTS } from './client-scripts.js';
import type { RedisKeys } from './redis-keys.js';
import { RedisScripts } from './redis-scripts.js';

/** Field of a client's record in the `clients` hash. */
const BY_ID = 'id:';
/**
 * Field of the same record by token. A record changes only when its client goes away or
 * comes back, and the scripts then rewrite both copies in one step.
 */
const BY_TOKEN = 'tok:';

/**
 * Clients in Redis: one hash holding each record twice, by id and by token, so that a
 * client is registered in one command and found by either in one. A dead replica's clients
 * are found by scanning the records, which is rare enough not to keep an index per replica.
 */
export class RedisClientStore implements ClientStore {
  private readonly scripts: RedisScripts<keyof typeof CLIENT_SCRIPTS>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    this.scripts = new RedisScripts(redis, CLIENT_SCRIPTS);
  }

  async insert(client: ClientRecord): Promise<void> {
    const json = JSON.stringify(client);
    await this.redis.hset(
      this.keys.clients,
      BY_ID + client.id,
      json,
      BY_TOKEN + client.token,
      json,
    );
  }

  async get(id: string): Promise<ClientRecord | undefined> {
    return parse(await this.redis.hget(this.keys.clients, BY_ID + id));
  }

  async findByToken(token: string): Promise<ClientRecord | undefined> {
    return parse(await this.redis.hget(this.keys.clients, BY_TOKEN + token));
  }

  async delete(id: string): Promise<ClientRecord | undefined> {
    const reply = await this.scripts.run(
      'clientDelete',
      [this.keys.clients],
      [BY_ID + id, BY_TOKEN],
    );
    return parse(reply as string | null);
  }

  async markAway(id: string, awayUntil: number): Promise<boolean> {
    const reply = await this.scripts.run(
      'clientMarkAway',
      [this.keys.clients],
      [BY_ID + id, BY_TOKEN, awayUntil],
    );
    return reply === 1;
  }

  async resume(token: string, replicaId: string, takeOverFrom = ''): Promise<ResumeResult> {
    const reply = (await this.scripts.run(
      'clientResume',
      [this.keys.clients],
      [BY_TOKEN + token, BY_ID, replicaId, takeOverFrom],
    )) as string[];
    const [outcome, first = '', second = '', third = ''] = reply;
    if (outcome === 'unknown') return { outcome };
    if (outcome === 'elsewhere') return { outcome, clientId: first, replicaId: second };
    return {
      outcome: 'resumed',
      client: parse(first)!,
      wasAway: second === '1',
      previousReplicaId: third,
    };
  }

  async expire(id: string, awayUntil: number): Promise<ClientRecord | undefined> {
    const reply = await this.scripts.run(
      'clientExpire',
      [this.keys.clients],
      [BY_ID + id, BY_TOKEN, awayUntil],
    );
    return parse(reply as string | null);
  }

  /** Nothing is cached: every read goes to Redis. */
  evictCached(): void {}

  async count(): Promise<number> {
    // Two fields per client.
    return (await this.redis.hlen(this.keys.clients)) / 2;
  }

  async idsOnReplica(replicaId: string): Promise<string[]> {
    const ids: string[] = [];
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(
        this.keys.clients,
        cursor,
        'MATCH',
        `${BY_ID}*`,
        'COUNT',
        1000,
      );
      for (let i = 1; i < flat.length; i += 2) {
        const client = parse(flat[i]);
        if (client?.replicaId === replicaId) ids.push(client.id);
      }
      cursor = next;
    } while (cursor !== '0');
    return ids;
  }
}

function parse(json: string | null | undefined): ClientRecord | undefined {
  return json === null || json === undefined ? undefined : (JSON.parse(json) as ClientRecord);
}
