import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { LobbiesController } from './lobbies.controller.js';
import { LobbiesService } from './lobbies.service.js';
import { LobbyPresenceService } from './lobby-presence.service.js';
import { PingController } from './ping.controller.js';

@Module({
  imports: [ClientsModule],
  controllers: [LobbiesController, PingController],
  providers: [LobbiesService, LobbyPresenceService],
  exports: [LobbiesService],
})
export class LobbiesModule {}
