import { InMemoryLobbyStore } from './in-memory-lobby.store.js';
import { lobbyStoreContract } from './testing/lobby-store.contract.js';

lobbyStoreContract(async () => new InMemoryLobbyStore());
