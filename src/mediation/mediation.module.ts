import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { LobbiesModule } from '../lobbies/lobbies.module.js';
import { UdpModule } from '../udp/udp.module.js';
import { MediationController } from './mediation.controller.js';
import { MediationService } from './mediation.service.js';

@Module({
  imports: [ClientsModule, LobbiesModule, UdpModule],
  controllers: [MediationController],
  providers: [MediationService],
  exports: [MediationService],
})
export class MediationModule {}
