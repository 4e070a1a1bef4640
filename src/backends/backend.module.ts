import { Global, Module, type DynamicModule } from '@nestjs/common';
import { CLIENT_STORE } from '../clients/client-store.js';
import { ClientsModule } from '../clients/clients.module.js';
import { CLIENT_MESSENGER } from '../common/client-messenger.js';
import { CLIENT_HANDOVER_CHANNEL } from '../connections/client-handover.js';
import type { OrionConfig } from '../config/orion-config.js';
import { LOBBY_STORE } from '../lobbies/lobby-store.js';
import { MEDIATION_STORE } from '../mediation/mediation-store.js';
import { MEDIATION_TIMER_HOME } from '../mediation/mediation-timer-home.js';
import { memoryBackend } from './memory-backend.js';
import { redisBackend } from './redis-backend.js';
import { STORE_HEALTH } from './store-health.js';
import { STORE_TRAFFIC } from './store-traffic.js';

/** What differs between backends; everything else injects these interfaces by token. */
const BACKEND_TOKENS = [
  CLIENT_STORE,
  LOBBY_STORE,
  MEDIATION_STORE,
  CLIENT_MESSENGER,
  MEDIATION_TIMER_HOME,
  CLIENT_HANDOVER_CHANNEL,
  STORE_HEALTH,
  STORE_TRAFFIC,
];

/**
 * The one place that chooses the backend: this process's memory by default, or Redis
 * shared by replicas with `--redisUrl`. It provides the stores, the messenger every
 * module sends through, where mediation timers run, how clients move between replicas,
 * the store's health check and its command count.
 */
@Global()
@Module({})
export class BackendModule {
  static forRoot(config: OrionConfig): DynamicModule {
    return {
      module: BackendModule,
      // The replica heartbeat disconnects a dead replica's clients through ClientsService.
      imports: [ClientsModule],
      providers: config.redisUrl ? redisBackend(config.redisUrl, config) : memoryBackend(),
      exports: BACKEND_TOKENS,
    };
  }
}
