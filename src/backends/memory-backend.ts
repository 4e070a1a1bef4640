import type { Provider } from '@nestjs/common';
import { CLIENT_STORE } from '../clients/client-store.js';
import { InMemoryClientStore } from '../clients/in-memory-client.store.js';
import { CLIENT_MESSENGER } from '../common/client-messenger.js';
import { CLIENT_HANDOVER_CHANNEL, NO_OTHER_REPLICAS } from '../connections/client-handover.js';
import { ClientRegistry } from '../connections/client-registry.js';
import { InMemoryLobbyStore } from '../lobbies/in-memory-lobby.store.js';
import { LOBBY_STORE, type LobbyStore } from '../lobbies/lobby-store.js';
import { InMemoryMediationStore } from '../mediation/in-memory-mediation.store.js';
import { LocalTimerHome, MEDIATION_TIMER_HOME } from '../mediation/mediation-timer-home.js';
import { MEDIATION_STORE } from '../mediation/mediation-store.js';
import { STORE_HEALTH, type StoreHealth } from './store-health.js';
import { NO_STORE_TRAFFIC, STORE_TRAFFIC } from './store-traffic.js';

/** In this process, the store is always there. */
const memoryHealth: StoreHealth = { status: async () => ({ up: true, kind: 'memory' }) };

/**
 * One process: state lives in its memory, messages go straight to the sockets it holds,
 * and every mediation timer runs here.
 */
export function memoryBackend(): Provider[] {
  return [
    { provide: CLIENT_STORE, useClass: InMemoryClientStore },
    { provide: LOBBY_STORE, useClass: InMemoryLobbyStore },
    {
      provide: MEDIATION_STORE,
      // A member's report finds its lobby in the lobby store, as the Redis scripts do.
      useFactory: (lobbies: LobbyStore) => new InMemoryMediationStore(lobbies),
      inject: [LOBBY_STORE],
    },
    { provide: CLIENT_MESSENGER, useExisting: ClientRegistry },
    { provide: MEDIATION_TIMER_HOME, useClass: LocalTimerHome },
    { provide: CLIENT_HANDOVER_CHANNEL, useValue: NO_OTHER_REPLICAS },
    { provide: STORE_HEALTH, useValue: memoryHealth },
    { provide: STORE_TRAFFIC, useValue: NO_STORE_TRAFFIC },
  ];
}
