import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { afterAll, describe } from 'vitest';
import { LocalFirstClientStore } from '../clients/local-first-client.store.js';
import { clientStoreContract } from '../clients/testing/client-store.contract.js';
import { lobbyStoreContract } from '../lobbies/testing/lobby-store.contract.js';
import { mediationStoreContract } from '../mediation/testing/mediation-store.contract.js';
import { RedisClientStore } from './redis-client.store.js';
import { RedisKeys } from './redis-keys.js';
import { RedisLobbyStore } from './redis-lobby.store.js';
import { RedisMediationStore } from './redis-mediation.store.js';

const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL)
  console.warn('Redis store contracts skipped: set REDIS_URL (e.g. redis://127.0.0.1:6379).');

describe.skipIf(!REDIS_URL)('Redis stores', () => {
  const redis = new Redis(REDIS_URL ?? '', { lazyConnect: true });
  // Each store gets a prefix of its own, so tests neither see nor clean up each other.
  const prefixes: string[] = [];
  const freshKeys = () => {
    const keys = new RedisKeys(`{orion-test-${randomUUID()}}:`);
    prefixes.push(keys.prefix);
    return keys;
  };

  afterAll(async () => {
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    redis.disconnect();
  });

  lobbyStoreContract(async () => new RedisLobbyStore(redis, freshKeys()));
  mediationStoreContract(async () => {
    const keys = freshKeys();
    return {
      store: new RedisMediationStore(redis, keys),
      lobbies: new RedisLobbyStore(redis, keys),
    };
  });
  clientStoreContract(async () => new RedisClientStore(redis, freshKeys()));
  // As Redis mode runs it: this process's clients answered from memory.
  clientStoreContract(
    async () => new LocalFirstClientStore(new RedisClientStore(redis, freshKeys())),
  );
});
