import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { OrionMetrics } from './orion-metrics.js';

/** Counts and times every HTTP request by its route pattern (never the raw URL). */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: OrionMetrics) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      const pattern = (request.route as { path?: string } | undefined)?.path;
      const labels = {
        method: request.method,
        // Unmatched URLs share one label so that scanning cannot blow up cardinality.
        route: pattern === undefined ? 'unmatched' : `${request.baseUrl}${pattern}`,
        status: String(response.statusCode),
      };
      this.metrics.httpRequests.inc(labels);
      this.metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  }
}
