import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ClientsService } from '../clients/clients.service.js';
import { TokenOnlyDto } from '../lobbies/dto/token-only.dto.js';
import { MediationService } from './mediation.service.js';

@Controller('lobbies/:lobbyId/ptp')
export class MediationController {
  constructor(
    private readonly mediation: MediationService,
    private readonly clients: ClientsService,
  ) {}

  @Post('start')
  @HttpCode(200)
  async start(@Param('lobbyId') lobbyId: string, @Body() body: TokenOnlyDto): Promise<void> {
    const clientId = await this.clients.resolveToken(body.token);
    await this.mediation.start(clientId, lobbyId);
  }
}
