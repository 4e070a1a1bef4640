import type { Provider } from '@nestjs/common';
import { CLIENT_STORE } from '../clients/client-store.js';
import { LocalFirstClientStore } from '../clients/local-first-client.store.js';
import type { OrionConfig } from '../config/orion-config.js';
import { LOBBY_STORE } from '../lobbies/lobby-store.js';
import { MEDIATION_STORE } from '../mediation/mediation-store.js';
import { RedisClientStore } from '../redis/redis-client.store.js';
import { RedisConnection } from '../redis/redis-connection.js';
import { RedisKeys } from '../redis/redis-keys.js';
import { RedisLobbyStore } from '../redis/redis-lobby.store.js';
import { RedisMediationStore } from '../redis/redis-mediation.store.js';
import { RedisStoreHealth } from './redis-store-health.js';
import { redisReplication } from './redis-replication.js';
import { STORE_HEALTH } from './store-health.js';
import { STORE_TRAFFIC, type StoreTraffic } from './store-traffic.js';

/**
 * Replicas sharing one Redis at `url`: state lives there, and the replicas reach one
 * another's clients over it (see {@link redisReplication}).
 */
export function redisBackend(url: string, config: OrionConfig): Provider[] {
  const keys = new RedisKeys(config.redisKeyPrefix);
  const inject = [RedisConnection];
  return [
    {
      provide: RedisConnection,
      useFactory: () => RedisConnection.open(url, config.redisCommandTimeoutMs),
    },
    {
      provide: CLIENT_STORE,
      useFactory: ({ guarded }: RedisConnection) =>
        new LocalFirstClientStore(new RedisClientStore(guarded, keys)),
      inject,
    },
    {
      provide: LOBBY_STORE,
      useFactory: ({ guarded }: RedisConnection) => new RedisLobbyStore(guarded, keys),
      inject,
    },
    {
      provide: MEDIATION_STORE,
      useFactory: ({ guarded }: RedisConnection) => new RedisMediationStore(guarded, keys),
      inject,
    },
    {
      provide: STORE_HEALTH,
      // The raw connection: a PING must not count as a failed store command.
      useFactory: ({ redis }: RedisConnection) => new RedisStoreHealth(redis),
      inject,
    },
    {
      provide: STORE_TRAFFIC,
      useFactory: (connection: RedisConnection): StoreTraffic => ({
        commandsSent: () => connection.commandsSent,
      }),
      inject,
    },
    ...redisReplication(keys, config),
  ];
}
