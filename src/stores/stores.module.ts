import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { CLIENT_STORE } from '../clients/client-store.js';
import { InMemoryClientStore } from '../clients/in-memory-client.store.js';
import type { OrionConfig } from '../config/orion-config.js';
import { InMemoryLobbyStore } from '../lobbies/in-memory-lobby.store.js';
import { LOBBY_STORE } from '../lobbies/lobby-store.js';
import { InMemoryMediationStore } from '../mediation/in-memory-mediation.store.js';
import { MEDIATION_STORE } from '../mediation/mediation-store.js';
import { RedisClientStore } from '../redis/redis-client.store.js';
import { RedisConnection } from '../redis/redis-connection.js';
import { RedisKeys } from '../redis/redis-keys.js';
import { RedisLobbyStore } from '../redis/redis-lobby.store.js';
import { RedisMediationStore } from '../redis/redis-mediation.store.js';

const STORE_TOKENS = [CLIENT_STORE, LOBBY_STORE, MEDIATION_STORE];

/**
 * The one place that chooses where state lives: in this process by default, or in
 * Redis with `--redisUrl`. Everything else injects the store interfaces.
 */
@Global()
@Module({})
export class StoresModule {
  static forRoot(config: OrionConfig): DynamicModule {
    return {
      module: StoresModule,
      providers: config.redisUrl ? redisStores(config.redisUrl, config) : inMemory(),
      exports: config.redisUrl ? [...STORE_TOKENS, RedisConnection] : STORE_TOKENS,
    };
  }
}

function inMemory(): Provider[] {
  return [
    { provide: CLIENT_STORE, useClass: InMemoryClientStore },
    { provide: LOBBY_STORE, useClass: InMemoryLobbyStore },
    { provide: MEDIATION_STORE, useClass: InMemoryMediationStore },
  ];
}

function redisStores(url: string, config: OrionConfig): Provider[] {
  const keys = new RedisKeys(config.redisKeyPrefix);
  const inject = [RedisConnection];
  return [
    {
      provide: RedisConnection,
      useFactory: () => RedisConnection.open(url, config.redisCommandTimeoutMs),
    },
    {
      provide: CLIENT_STORE,
      useFactory: ({ guarded }: RedisConnection) => new RedisClientStore(guarded, keys),
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
  ];
}
