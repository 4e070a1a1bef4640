import { Controller, Get, NotFoundException, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { OrionConfig } from '../config/orion-config.js';
import { OrionMetrics } from './orion-metrics.js';

/** `GET /metrics` on the main port, unless `--metricsPort` moved it to a port of its own. */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: OrionMetrics,
    private readonly config: OrionConfig,
  ) {}

  @Get()
  async scrape(@Res() response: Response): Promise<void> {
    if (this.config.metricsPort !== undefined) throw new NotFoundException('Not found.');
    response.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
