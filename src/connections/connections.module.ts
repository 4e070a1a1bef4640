import { Global, Module } from '@nestjs/common';
import { ClientRegistry } from './client-registry.js';
import { RecentChat } from './recent-chat.js';
import { ReplicaIdentity } from './replica-identity.js';

/**
 * The sockets this process holds (and, for reconnection, the chat they were sent), and the
 * identity of this process among replicas: global, because the messenger, the clients, the
 * gateway and the drain all need them.
 */
@Global()
@Module({
  providers: [ClientRegistry, ReplicaIdentity, RecentChat],
  exports: [ClientRegistry, ReplicaIdentity, RecentChat],
})
export class ConnectionsModule {}
