import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { LobbiesModule } from '../lobbies/lobbies.module.js';
import { UdpModule } from '../udp/udp.module.js';
import { InMemoryMediationStore } from './in-memory-mediation.store.js';
import { MediationController } from './mediation.controller.js';
import { MediationService } from './mediation.service.js';
import { MEDIATION_STORE } from './mediation-store.js';

@Module({
  imports: [ClientsModule, LobbiesModule, UdpModule],
  controllers: [MediationController],
  providers: [{ provide: MEDIATION_STORE, useClass: InMemoryMediationStore }, MediationService],
  exports: [MediationService],
})
export class MediationModule {}
