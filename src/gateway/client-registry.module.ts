import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { CLIENT_STORE, type ClientStore } from '../clients/client-store.js';
import { CLIENT_MESSENGER } from '../common/client-messenger.js';
import type { OrionConfig } from '../config/orion-config.js';
import { RedisConnection } from '../redis/redis-connection.js';
import { RedisKeys } from '../redis/redis-keys.js';
import { ReplicaChannel } from '../replication/replica-channel.js';
import { ReplicaIdentity } from '../replication/replica-identity.js';
import { ReplicatedMessenger } from '../replication/replicated-messenger.js';
import { ClientRegistry } from './client-registry.js';

/**
 * Provides the socket registry and the client messenger every module sends through:
 * the registry itself when state is in memory; with Redis, a messenger that also reaches
 * clients whose sockets live on other replicas.
 */
@Global()
@Module({})
export class ClientRegistryModule {
  static forRoot(config: OrionConfig): DynamicModule {
    return {
      module: ClientRegistryModule,
      providers: [
        ClientRegistry,
        ReplicaIdentity,
        ...(config.redisUrl ? replicatedMessenger(config) : localMessenger()),
      ],
      exports: [ClientRegistry, ReplicaIdentity, CLIENT_MESSENGER],
    };
  }
}

function localMessenger(): Provider[] {
  return [{ provide: CLIENT_MESSENGER, useExisting: ClientRegistry }];
}

function replicatedMessenger(config: OrionConfig): Provider[] {
  const keys = new RedisKeys(config.redisKeyPrefix);
  return [
    {
      provide: ReplicaChannel,
      useFactory: async (
        connection: RedisConnection,
        replica: ReplicaIdentity,
        registry: ClientRegistry,
      ) =>
        ReplicaChannel.open(
          connection.guarded,
          connection.redis.duplicate(),
          keys,
          replica.id,
          (delivery) => registry.sendMany(delivery.clientIds, delivery.method, delivery.payload),
        ),
      inject: [RedisConnection, ReplicaIdentity, ClientRegistry],
    },
    {
      provide: CLIENT_MESSENGER,
      useFactory: (registry: ClientRegistry, clients: ClientStore, channel: ReplicaChannel) =>
        new ReplicatedMessenger(registry, clients, channel),
      inject: [ClientRegistry, CLIENT_STORE, ReplicaChannel],
    },
  ];
}
