import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { InMemoryLobbyStore } from './in-memory-lobby.store.js';
import { LobbiesController } from './lobbies.controller.js';
import { LobbiesService } from './lobbies.service.js';
import { LOBBY_STORE } from './lobby-store.js';
import { PingController } from './ping.controller.js';

@Module({
  imports: [ClientsModule],
  controllers: [LobbiesController, PingController],
  providers: [{ provide: LOBBY_STORE, useClass: InMemoryLobbyStore }, LobbiesService],
  exports: [LobbiesService],
})
export class LobbiesModule {}
