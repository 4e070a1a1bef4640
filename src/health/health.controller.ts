import { Controller, Get, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { DrainHealthIndicator } from './drain.health.js';
import { StoreHealthIndicator } from './store.health.js';
import { UdpSocketHealthIndicator } from './udp-socket.health.js';

/**
 * Probes for orchestrators. Liveness: the process answers HTTP. Readiness: it answers
 * HTTP, its UDP socket is bound, its state store answers, and it is not draining. A
 * failed probe answers 503 with the report of Terminus.
 */
@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly udpSocket: UdpSocketHealthIndicator,
    private readonly drain: DrainHealthIndicator,
    private readonly store: StoreHealthIndicator,
  ) {}

  @Get('healthz')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Liveness: the process answers HTTP' })
  @ApiOkResponse({ description: 'Alive.' })
  live(@Res({ passthrough: true }) response: Response): Promise<HealthCheckResult | unknown> {
    return this.report(response, []);
  }

  @Get('readyz')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({
    summary:
      'Readiness: HTTP is served, the UDP socket is bound, the state store answers, and the server is not draining',
  })
  @ApiOkResponse({ description: 'Ready.' })
  @ApiServiceUnavailableResponse({ description: 'Not ready; the body names the failing check.' })
  ready(@Res({ passthrough: true }) response: Response): Promise<HealthCheckResult | unknown> {
    return this.report(response, [
      () => this.udpSocket.check('udp'),
      () => this.drain.check('accepting'),
      () => this.store.check('store'),
    ]);
  }

  private async report(
    response: Response,
    indicators: Parameters<HealthCheckService['check']>[0],
  ): Promise<HealthCheckResult | unknown> {
    try {
      return await this.health.check(indicators);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      response.status(HttpStatus.SERVICE_UNAVAILABLE);
      return error.getResponse();
    }
  }
}
