import { Global, Module } from '@nestjs/common';
import { CLIENT_MESSENGER } from '../common/client-messenger.js';
import { ClientRegistry } from './client-registry.js';

/** Provides the socket registry, and exposes it to every module as the client messenger. */
@Global()
@Module({
  providers: [ClientRegistry, { provide: CLIENT_MESSENGER, useExisting: ClientRegistry }],
  exports: [ClientRegistry, CLIENT_MESSENGER],
})
export class ClientRegistryModule {}
