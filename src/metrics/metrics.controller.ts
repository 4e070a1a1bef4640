import { Controller, Get, NotFoundException, Res } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { OrionConfig } from '../config/orion-config.js';
import { OrionMetrics } from './orion-metrics.js';

/** `GET /metrics` on the main port, unless `--metricsPort` moved it to a port of its own. */
@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: OrionMetrics,
    private readonly config: OrionConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Metrics in the Prometheus text format' })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text exposition format 0.0.4.',
    schema: { type: 'string', example: 'orion_connected_clients 3' },
  })
  @ApiNotFoundResponse({
    description: 'With --metricsPort, /metrics is served on that port only, not here.',
  })
  async scrape(@Res() response: Response): Promise<void> {
    if (this.config.metricsPort !== undefined) throw new NotFoundException('Not found.');
    response.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
