import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
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
  KickMemberDto,
  KickMemberResponse,
  LeaveLobbyResponse,
  QuickJoinDto,
  UpdateLobbyDto,
  UpdateLobbyResponse,
} from './dto/lobby-actions.dto.js';
import { TokenOnlyDto } from './dto/token-only.dto.js';
import {
  CreateLobbyResponse,
  JoinLobbyResponse,
  ListLobbiesResponse,
} from './dto/lobby-responses.js';
import { LobbiesService } from './lobbies.service.js';
import { ApiLobbyIdParam, LobbyIdPipe } from './lobby-id.pipe.js';
import type { LobbyListQuery } from './lobby-list-query.js';
import {
  ApiLobbyFilterQuery,
  ApiLobbyListQuery,
  LobbyListQueryPipe,
  QuickJoinQueryPipe,
} from './lobby-list-query.pipe.js';

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

  // Before the `:lobbyId` routes, so that `quick-join` is never read as a lobby id.
  @Post('quick-join')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Join the oldest open public lobby that matches',
    description:
      'Takes the filter parameters of GET /lobbies (no paging). Considers only public lobbies without a password that are not locked and not full, oldest first, and seats you in the first that still has room for you (one that filled up, locked or has a member of the same name meanwhile is passed over). Answers as a join; the members hear lobby_peerConnect. 409 NO_MATCHING_LOBBY when none seats you.',
  })
  @ApiLobbyFilterQuery()
  @ApiOkResponse({ type: JoinLobbyResponse })
  @ApiErrorResponses()
  @LimitPostRate()
  async quickJoin(
    @Query(QuickJoinQueryPipe) query: LobbyListQuery | undefined,
    @Body() body: QuickJoinDto,
  ): Promise<JoinLobbyResponse> {
    const clientId = await this.clients.resolveToken(body.token);
    return this.lobbies.quickJoin(clientId, body.peerName, query);
  }

  @Patch(':lobbyId')
  @HttpCode(200)
  @ApiOperation({
    summary: "Change the lobby's name, visibility or data (host only)",
    description:
      'At least one of lobbyName, isPublic and data; data replaces the whole map (null or {} clears it). Not while mediation runs. Every member, the host included, hears lobby_updated.',
  })
  @ApiLobbyIdParam()
  @ApiOkResponse({ type: UpdateLobbyResponse })
  @ApiErrorResponses()
  @LimitPostRate()
  async update(
    @Param('lobbyId', LobbyIdPipe) lobbyId: string,
    @Body() body: UpdateLobbyDto,
  ): Promise<UpdateLobbyResponse> {
    if (body.lobbyName == null && body.isPublic == null && body.data === undefined) {
      throw new BadRequestException({
        errors: ['Send at least one of lobbyName, isPublic and data.'],
      });
    }
    const clientId = await this.clients.resolveToken(body.token);
    return this.lobbies.update(clientId, lobbyId, body);
  }

  @Post(':lobbyId/leave')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Leave the lobby and stay connected',
    description:
      "The others hear lobby_peerDisconnect (a running mediation is aborted). The host's leaving closes the lobby (lobby_closed), unless it was created with hostMigration and no mediation runs: then the member present longest becomes host (lobby_hostChanged).",
  })
  @ApiLobbyIdParam()
  @ApiOkResponse({ type: LeaveLobbyResponse })
  @ApiErrorResponses()
  @LimitPostRate()
  async leave(
    @Param('lobbyId', LobbyIdPipe) lobbyId: string,
    @Body() body: TokenOnlyDto,
  ): Promise<LeaveLobbyResponse> {
    const clientId = await this.clients.resolveToken(body.token);
    return this.lobbies.leaveByRequest(clientId, lobbyId);
  }

  @Post(':lobbyId/kick')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Kick a member out of the lobby (host only)',
    description:
      'The kicked member hears lobby_kicked and stays connected; the others hear lobby_peerDisconnect. Allowed during mediation, which it aborts. With banMs, that client may not rejoin this lobby for so long (409 BANNED_FROM_LOBBY); the ban is per connected client.',
  })
  @ApiLobbyIdParam()
  @ApiOkResponse({ type: KickMemberResponse })
  @ApiErrorResponses()
  @LimitPostRate()
  async kick(
    @Param('lobbyId', LobbyIdPipe) lobbyId: string,
    @Body() body: KickMemberDto,
  ): Promise<KickMemberResponse> {
    const clientId = await this.clients.resolveToken(body.token);
    return this.lobbies.kick(clientId, lobbyId, body.peerName, body.banMs);
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
