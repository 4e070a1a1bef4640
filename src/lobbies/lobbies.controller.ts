import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ClientsService } from '../clients/clients.service.js';
import { ApiErrorResponses, ApiStoreUnavailableResponse } from '../common/api-error-responses.js';
import { ErrorBody } from '../common/http-exception.filter.js';
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
import type { LobbyListQuery } from './lobby-list-query.js';
import { ApiLobbyListQuery, LobbyListQueryPipe } from './lobby-list-query.pipe.js';

@ApiTags('lobbies')
@Controller('lobbies')
export class LobbiesController {
  constructor(
    private readonly lobbies: LobbiesService,
    private readonly clients: ClientsService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'List the public lobbies',
    description:
      'Without query parameters: every public lobby, oldest first, as it always was. With any of the filter or paging parameters below: the lobbies that match all of them, at most `limit`, each with `hasPassword` and `data`, and `next` for the following page.',
  })
  @ApiLobbyListQuery()
  @ApiOkResponse({ type: ListLobbiesResponse })
  @ApiBadRequestResponse({
    type: ErrorBody,
    description: 'A filter or paging parameter is malformed, given twice, or there are too many.',
  })
  @ApiConflictResponse({
    type: ErrorBody,
    description: 'The lobby named by `after` is no longer listed: list again from the start.',
  })
  @ApiStoreUnavailableResponse()
  list(@Query(LobbyListQueryPipe) query: LobbyListQuery | undefined): Promise<ListLobbiesResponse> {
    return this.lobbies.listPublic(query);
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
    return this.lobbies.join(clientId, lobbyId, body.peerName, body.password);
  }
}
