import { Global, Module } from '@nestjs/common';
import { ReplicaIdentity } from '../replication/replica-identity.js';
import { ClientRegistry } from './client-registry.js';

/**
 * The sockets this process holds, and the identity of this process among replicas: both
 * global, because the messenger, the clients and the gateway all need them.
 */
@Global()
@Module({
  providers: [ClientRegistry, ReplicaIdentity],
  exports: [ClientRegistry, ReplicaIdentity],
})
export class ClientRegistryModule {}
