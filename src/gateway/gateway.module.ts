import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { LobbiesModule } from '../lobbies/lobbies.module.js';
import { MediationModule } from '../mediation/mediation.module.js';
import { RelayModule } from '../relay/relay.module.js';
import { ChatRateLimiter } from './chat-rate-limiter.js';
import { ClientHandover } from './client-handover.js';
import { ClientResumption } from './client-resumption.js';
import { ConnectionAdmission } from './connection-admission.js';
import { HeartbeatService } from './heartbeat.service.js';
import { OrionGateway } from './orion.gateway.js';

@Module({
  imports: [ClientsModule, LobbiesModule, MediationModule, RelayModule],
  providers: [
    OrionGateway,
    ChatRateLimiter,
    ConnectionAdmission,
    HeartbeatService,
    ClientResumption,
    ClientHandover,
  ],
})
export class GatewayModule {}
