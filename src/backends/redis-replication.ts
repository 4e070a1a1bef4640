import type { Provider } from '@nestjs/common';
import { CLIENT_STORE, type ClientStore } from '../clients/client-store.js';
import { ClientsService } from '../clients/clients.service.js';
import { CLIENT_MESSENGER } from '../common/client-messenger.js';
import { OrionEventBus } from '../common/orion-events.js';
import type { OrionConfig } from '../config/orion-config.js';
import { CLIENT_HANDOVER_CHANNEL } from '../connections/client-handover.js';
import { ClientRegistry } from '../connections/client-registry.js';
import { ReplicaIdentity } from '../connections/replica-identity.js';
import { MEDIATION_TIMER_HOME } from '../mediation/mediation-timer-home.js';
import { RedisConnection } from '../redis/redis-connection.js';
import type { RedisKeys } from '../redis/redis-keys.js';
import { ReplicaChannel } from '../replication/replica-channel.js';
import { ReplicaLiveness } from '../replication/replica-liveness.js';
import { ReplicatedHandover } from '../replication/replicated-handover.js';
import { ReplicatedMessenger } from '../replication/replicated-messenger.js';
import { ReplicatedTimerHome } from '../replication/replicated-timer-home.js';

/**
 * How work crosses replicas that share Redis: messages reach clients on other replicas
 * over their channels, a client resumed through another replica is handed over, mediation
 * timers run on the host's replica, and each replica's heartbeat lets survivors clean up
 * after a dead one.
 */
export function redisReplication(keys: RedisKeys, config: OrionConfig): Provider[] {
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
      useFactory: (
        registry: ClientRegistry,
        clients: ClientStore,
        channel: ReplicaChannel,
        replica: ReplicaIdentity,
      ) => new ReplicatedMessenger(registry, clients, channel, replica),
      inject: [ClientRegistry, CLIENT_STORE, ReplicaChannel, ReplicaIdentity],
    },
    {
      provide: CLIENT_HANDOVER_CHANNEL,
      useFactory: (channel: ReplicaChannel, replica: ReplicaIdentity) =>
        new ReplicatedHandover(channel, replica),
      inject: [ReplicaChannel, ReplicaIdentity],
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
