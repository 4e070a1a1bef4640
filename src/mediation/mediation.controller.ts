import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ClientsService } from '../clients/clients.service.js';
import { ApiErrorResponses } from '../common/api-error-responses.js';
import { TokenOnlyDto } from '../lobbies/dto/token-only.dto.js';
import { ApiLobbyIdParam, LobbyIdPipe } from '../lobbies/lobby-id.pipe.js';
import { LimitJoinMisses } from '../rate-limits/rate-limit.decorators.js';
import { MediationService } from './mediation.service.js';

@ApiTags('lobbies')
@Controller('lobbies/:lobbyId/ptp')
export class MediationController {
  constructor(
    private readonly mediation: MediationService,
    private readonly clients: ClientsService,
  ) {}

  @Post('start')
  @HttpCode(200)
  @ApiOperation({ summary: 'Start peer-to-peer mediation (host only); the lobby locks' })
  @ApiLobbyIdParam()
  @ApiOkResponse({ description: 'Mediation started. No body.' })
  @ApiErrorResponses()
  @LimitJoinMisses()
  async start(
    @Param('lobbyId', LobbyIdPipe) lobbyId: string,
    @Body() body: TokenOnlyDto,
  ): Promise<void> {
    const clientId = await this.clients.resolveToken(body.token);
    await this.mediation.start(clientId, lobbyId);
  }
}
