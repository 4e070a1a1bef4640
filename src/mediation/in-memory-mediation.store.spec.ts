import { InMemoryLobbyStore } from '../lobbies/in-memory-lobby.store.js';
import { InMemoryMediationStore } from './in-memory-mediation.store.js';
import { mediationStoreContract } from './testing/mediation-store.contract.js';

mediationStoreContract(async () => {
  const lobbies = new InMemoryLobbyStore();
  return { store: new InMemoryMediationStore(lobbies), lobbies };
});
