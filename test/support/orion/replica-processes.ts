import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { ClientRecord } from '../../../src/clients/client-store.js';
import { RedisKeys } from '../../../src/redis/redis-keys.js';
import type { OrionAddress } from './orion-test-app.js';
import { LOOPBACK_ANY_PORTS, spawnOrion, type OrionProcess } from './orion-process.js';

/** One `node dist/main.js` of a group sharing one Redis and one key prefix. */
export interface ReplicaProcess extends OrionAddress {
  name: string;
  process: OrionProcess;
}

/**
 * Real server processes sharing one Redis, each on its own loopback HTTP and UDP ports,
 * and a view of what they keep in Redis.
 */
export class ReplicaGroup {
  readonly keys = new RedisKeys(`{orion-e2e-${randomUUID()}}:`);
  readonly replicas: ReplicaProcess[] = [];
  private readonly redis: Redis;

  constructor(
    private readonly redisUrl: string,
    private readonly args: string[],
  ) {
    this.redis = new Redis(redisUrl, { lazyConnect: true });
  }

  async start(...names: string[]): Promise<ReplicaProcess[]> {
    const started = names.map((name) => {
      const process = spawnOrion([...LOOPBACK_ANY_PORTS, ...this.args], {
        ORION_REDIS_URL: this.redisUrl,
        ORION_REDIS_KEY_PREFIX: this.keys.prefix,
      });
      return { name, process };
    });
    for (const { name, process } of started) {
      const { httpPort, udpPort } = await process.ready();
      this.replicas.push({
        name,
        process,
        httpUrl: `http://127.0.0.1:${httpPort}`,
        wsUrl: `ws://127.0.0.1:${httpPort}`,
        udpPort,
      });
    }
    return this.replicas.slice(-names.length);
  }

  /** The ids of the replicas Redis knows about (alive or not yet cleaned up). */
  replicaIds(): Promise<string[]> {
    return this.redis.smembers(this.keys.replicas);
  }

  /** Every client record in Redis. */
  async clientRecords(): Promise<ClientRecord[]> {
    // Each record is stored by id and by token (see RedisClientStore): one of each.
    const fields = await this.redis.hgetall(this.keys.clients);
    return Object.entries(fields)
      .filter(([field]) => field.startsWith('id:'))
      .map(([, json]) => JSON.parse(json) as ClientRecord);
  }

  /** Every key left under the group's prefix whose name mentions `text`. */
  keysMentioning(text: string): Promise<string[]> {
    return this.redis.keys(`${this.keys.prefix}*${text}*`);
  }

  /** Stops every replica (SIGKILL: these tests are not about the drain) and deletes the keys. */
  async stop(): Promise<void> {
    for (const { process } of this.replicas) {
      if (process.running) process.child.kill('SIGKILL');
      await process.exit(5_000).catch(() => undefined);
    }
    const keys = await this.redis.keys(`${this.keys.prefix}*`);
    if (keys.length > 0) await this.redis.del(...keys);
    this.redis.disconnect();
  }
}
