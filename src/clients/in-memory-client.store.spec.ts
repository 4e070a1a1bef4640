import { InMemoryClientStore } from './in-memory-client.store.js';
import { clientStoreContract } from './testing/client-store.contract.js';

clientStoreContract(async () => new InMemoryClientStore());
