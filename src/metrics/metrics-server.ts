import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BindHost } from '../config/bind-host.js';
import { OrionConfig } from '../config/orion-config.js';
import { OrionMetrics } from './orion-metrics.js';

/** With `--metricsPort`, serves `GET /metrics` on that port only, away from public traffic. */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsServer.name);
  private server: Server | undefined;

  constructor(
    private readonly metrics: OrionMetrics,
    private readonly config: OrionConfig,
    private readonly bindHost: BindHost,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { metricsPort } = this.config;
    const host = this.bindHost.address;
    if (metricsPort === undefined) return;
    const server = createServer((request, response) => {
      // As on the main port: no browser may take the text for anything but text.
      response.setHeader('X-Content-Type-Options', 'nosniff');
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404).end();
        return;
      }
      this.metrics.registry.metrics().then(
        (text) =>
          response.writeHead(200, { 'Content-Type': this.metrics.registry.contentType }).end(text),
        () => response.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(metricsPort, host, () => resolve());
    });
    this.server = server;
    this.logger.debug(`Serving metrics on ${host}:${this.port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The bound port, once serving. */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }
}
