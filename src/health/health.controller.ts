import { Controller, Get, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import type { Response } from 'express';
import { UdpSocketHealthIndicator } from './udp-socket.health.js';

/**
 * Probes for orchestrators. Liveness: the process answers HTTP. Readiness: it answers
 * HTTP and its UDP socket is bound. A failed probe answers 503 with Terminus's report.
 */
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly udpSocket: UdpSocketHealthIndicator,
  ) {}

  @Get('healthz')
  @HealthCheck()
  live(@Res({ passthrough: true }) response: Response): Promise<HealthCheckResult | unknown> {
    return this.report(response, []);
  }

  @Get('readyz')
  @HealthCheck()
  ready(@Res({ passthrough: true }) response: Response): Promise<HealthCheckResult | unknown> {
    return this.report(response, [() => this.udpSocket.check('udp')]);
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
