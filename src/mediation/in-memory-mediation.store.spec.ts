import { InMemoryMediationStore } from './in-memory-mediation.store.js';
import { mediationStoreContract } from './testing/mediation-store.contract.js';

mediationStoreContract(async () => new InMemoryMediationStore());
