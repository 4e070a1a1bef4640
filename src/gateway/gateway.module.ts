import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { LobbiesModule } from '../lobbies/lobbies.module.js';
import { MediationModule } from '../mediation/mediation.module.js';
import { OrionGateway } from './orion.gateway.js';

@Module({
  imports: [ClientsModule, LobbiesModule, MediationModule],
  providers: [OrionGateway],
})
export class GatewayModule {}
