import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { CLIENT_STORE, type ClientStore } from '../clients/client-store.js';
import { ClientsModule } from '../clients/clients.module.js';
import { ClientsService } from '../clients/clients.service.js';
import { CLIENT_MESSENGER } from '../common/client-messenger.js';
import { OrionEventBus } from '../common/orion-events.js';
import type { OrionConfig } from '../config/orion-config.js';
import { ClientRegistry } from '../gateway/client-registry.js';
import { LocalTimerHome, MEDIATION_TIMER_HOME } from '../mediation/mediation-timer-home.js';
import { RedisConnection } from '../redis/redis-connection.js';
import { RedisKeys } from '../redis/redis-keys.js';
import { ReplicaChannel } from './replica-channel.js';
import { ReplicaIdentity } from './replica-identity.js';
import { ReplicaLiveness } from './replica-liveness.js';
import { ReplicatedMessenger } from './replicated-messenger.js';
import { ReplicatedTimerHome } from './replicated-timer-home.js';

/**
 * The one place that decides how work crosses processes: the messenger every module sends
 * through and where mediation timers run. In memory, both stay in this process. With
 * Redis, messages reach clients on other replicas over their channels, timers run on the
 * host's replica, and each replica's heartbeat lets survivors clean up after a dead one.
 */
@Global()
@Module({})
export class ReplicationModule {
  static forRoot(config: OrionConfig): DynamicModule {
    return {
      module: ReplicationModule,
      imports: [ClientsModule],
      providers: config.redisUrl ? replicated(config) : local(),
      exports: [CLIENT_MESSENGER, MEDIATION_TIMER_HOME],
    };
  }
}

function local(): Provider[] {
  return [
    { provide: CLIENT_MESSENGER, useExisting: ClientRegistry },
    { provide: MEDIATION_TIMER_HOME, useClass: LocalTimerHome },
  ];
}

function replicated(config: OrionConfig): Provider[] {
  const keys = new RedisKeys(config.redisKeyPrefix);
  return [
    {
      provide: ReplicaChannel,
      useFactory: async (
        connection: RedisConnection,
        replica: ReplicaIdentity,
        events: OrionEventBus,
      ) => {
        const channel = await ReplicaChannel.open(
          connection.guarded,
          connection.redis.duplicate(),
          keys,
          replica.id,
        );
        channel.handle('mediationChanged', ({ lobbyId }) =>
          events.emit('mediation.changedElsewhere', { lobbyId }),
        );
        return channel;
      },
      inject: [RedisConnection, ReplicaIdentity, OrionEventBus],
    },
    {
      provide: CLIENT_MESSENGER,
      useFactory: (registry: ClientRegistry, clients: ClientStore, channel: ReplicaChannel) =>
        new ReplicatedMessenger(registry, clients, channel),
      inject: [ClientRegistry, CLIENT_STORE, ReplicaChannel],
    },
    {
      provide: MEDIATION_TIMER_HOME,
      useFactory: (clients: ClientStore, replica: ReplicaIdentity, channel: ReplicaChannel) =>
        new ReplicatedTimerHome(clients, replica, channel),
      inject: [CLIENT_STORE, ReplicaIdentity, ReplicaChannel],
    },
    {
      provide: ReplicaLiveness,
      useFactory: (
        connection: RedisConnection,
        replica: ReplicaIdentity,
        clientStore: ClientStore,
        clients: ClientsService,
        registry: ClientRegistry,
        channel: ReplicaChannel,
      ) =>
        new ReplicaLiveness(
          connection.guarded,
          keys,
          replica,
          clientStore,
          clients,
          registry,
          channel,
          config.replicaTimeoutMs,
        ),
      inject: [
        RedisConnection,
        ReplicaIdentity,
        CLIENT_STORE,
        ClientsService,
        ClientRegistry,
        ReplicaChannel,
      ],
    },
  ];
}
