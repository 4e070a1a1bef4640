import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { MediationModule } from '../mediation/mediation.module.js';
import { RelayService } from './relay.service.js';

/** The opt-in UDP relay (`--relayPorts`); without it, RelayService ignores every request. */
@Module({
  imports: [ClientsModule, MediationModule],
  providers: [RelayService],
  exports: [RelayService],
})
export class RelayModule {}
