import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ClientsService } from '../clients/clients.service.js';
import { ApiErrorResponses, ApiStoreUnavailableResponse } from '../common/api-error-responses.js';
import { LimitJoinMisses, LimitPostRate } from '../rate-limits/rate-limit.decorators.js';
import { CreateLobbyDto } from './dto/create-lobby.dto.js';
import { JoinLobbyDto } from './dto/join-lobby.dto.js';
import {
  CreateLobbyResponse,
  JoinLobbyResponse,
  ListLobbiesResponse,
} from './dto/lobby-responses.js';
import { LobbiesService } from './lobbies.service.js';
import { ApiLobbyIdParam, LobbyIdPipe } from './lobby-id.pipe.js';

@ApiTags('lobbies')
@Controller('lobbies')
export class LobbiesController {
  constructor(
    private readonly lobbies: LobbiesService,
    private readonly clients: ClientsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List the public lobbies' })
  @ApiOkResponse({ type: ListLobbiesResponse })
  @ApiStoreUnavailableResponse()
  list(): Promise<ListLobbiesResponse> {
    return this.lobbies.listPublic();
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a lobby and become its host' })
  @ApiCreatedResponse({ type: CreateLobbyResponse })
  @ApiErrorResponses()
  @LimitPostRate()
  async create(@Body() body: CreateLobbyDto): Promise<CreateLobbyResponse> {
    const clientId = await this.clients.resolveToken(body.token);
    return this.lobbies.create(clientId, body);
  }

  @Post(':lobbyId/join')
  @HttpCode(200)
  @ApiOperation({ summary: 'Join a lobby by its code' })
  @ApiLobbyIdParam()
  @ApiOkResponse({ type: JoinLobbyResponse })
  @ApiErrorResponses()
  @LimitJoinMisses()
  async join(
    @Param('lobbyId', LobbyIdPipe) lobbyId: string,
    @Body() body: JoinLobbyDto,
  ): Promise<JoinLobbyResponse> {
    const clientId = await this.clients.resolveToken(body.token);
    return this.lobbies.join(clientId, lobbyId, body.peerName);
  }
}
