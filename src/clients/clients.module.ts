import { Module } from '@nestjs/common';
import { GraceTimers } from './grace-timers.js';
import { ClientsService } from './clients.service.js';
import { ReconnectionService } from './reconnection.service.js';

@Module({
  providers: [ClientsService, ReconnectionService, GraceTimers],
  exports: [ClientsService, ReconnectionService],
})
export class ClientsModule {}
