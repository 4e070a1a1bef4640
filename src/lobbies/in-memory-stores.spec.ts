import { InMemoryClientStore } from '../clients/in-memory-client.store.js';
import {
  clientStoreContract,
  lobbyStoreContract,
  mediationStoreContract,
} from '../common/testing/store-contracts.js';
import { InMemoryMediationStore } from '../mediation/in-memory-mediation.store.js';
import { InMemoryLobbyStore } from './in-memory-lobby.store.js';

lobbyStoreContract(async () => new InMemoryLobbyStore());
mediationStoreContract(async () => new InMemoryMediationStore());
clientStoreContract(async () => new InMemoryClientStore());
