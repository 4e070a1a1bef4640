import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ClientsService } from '../clients/clients.service.js';
import { CreateLobbyDto } from './dto/create-lobby.dto.js';
import { JoinLobbyDto } from './dto/join-lobby.dto.js';
import type {
  CreateLobbyResponse,
  JoinLobbyResponse,
  ListLobbiesResponse,
} from './dto/lobby-responses.js';
import { LobbiesService } from './lobbies.service.js';

@Controller('lobbies')
export class LobbiesController {
  constructor(
    private readonly lobbies: LobbiesService,
    private readonly clients: ClientsService,
  ) {}

  @Get()
  list(): Promise<ListLobbiesResponse> {
    return this.lobbies.listPublic();
  }

  @Post()
  @HttpCode(201)
  async create(@Body() body: CreateLobbyDto): Promise<CreateLobbyResponse> {
    const clientId = await this.clients.resolveToken(body.token);
    return this.lobbies.create(clientId, body);
  }

  @Post(':lobbyId/join')
  @HttpCode(200)
  async join(
    @Param('lobbyId') lobbyId: string,
    @Body() body: JoinLobbyDto,
  ): Promise<JoinLobbyResponse> {
    const clientId = await this.clients.resolveToken(body.token);
    return this.lobbies.join(clientId, lobbyId, body.peerName);
  }
}
