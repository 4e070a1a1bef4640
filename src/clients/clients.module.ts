import { Module } from '@nestjs/common';
import { CLIENT_STORE } from './client-store.js';
import { ClientsService } from './clients.service.js';
import { InMemoryClientStore } from './in-memory-client.store.js';

@Module({
  providers: [{ provide: CLIENT_STORE, useClass: InMemoryClientStore }, ClientsService],
  exports: [ClientsService],
})
export class ClientsModule {}
