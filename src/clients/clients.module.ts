import { Module } from '@nestjs/common';
import { AwayClients } from './away-clients.js';
import { ClientsService } from './clients.service.js';

@Module({
  providers: [ClientsService, AwayClients],
  exports: [ClientsService],
})
export class ClientsModule {}
