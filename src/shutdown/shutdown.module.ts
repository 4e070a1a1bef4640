import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ClientsModule } from '../clients/clients.module.js';
import { LobbiesModule } from '../lobbies/lobbies.module.js';
import { MediationModule } from '../mediation/mediation.module.js';
import { DrainService } from './drain.service.js';
import { RefuseWhileDrainingGuard } from './refuse-while-draining.guard.js';

/** Graceful shutdown: the drain, and the refusal of new work while it runs. */
@Module({
  imports: [ClientsModule, LobbiesModule, MediationModule],
  providers: [DrainService, { provide: APP_GUARD, useClass: RefuseWhileDrainingGuard }],
  exports: [DrainService],
})
export class ShutdownModule {}
