import type { INestApplication, LoggerService } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { createOrionApp } from '../../src/app.factory.js';
import type { OrionSettings } from '../../src/config/orion-config.js';
import { buildConfig } from '../../src/config/settings.js';
import { UdpListenerService } from '../../src/udp/udp-listener.service.js';

/** Collects every line the server logs, so tests can assert on (or against) them. */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown, ...rest: unknown[]) {
    this.capture('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.capture('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.capture('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.capture('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.capture('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.capture('fatal', message, rest);
  }
  private capture(level: string, message: unknown, rest: unknown[]) {
    this.lines.push(`${level} ${String(message)} ${rest.map(String).join(' ')}`);
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export interface OrionTestApp {
  app: INestApplication;
  logger: CapturingLogger;
  httpUrl: string;
  wsUrl: string;
  udpPort: number;
  close(): Promise<void>;
}

/** Short timers so mediation tests finish in seconds, not minutes. */
export const FAST_TIMERS = {
  ptpmConnectRequestIntervalMs: 200,
  ptpmServerConnectTimeoutMs: 1_500,
  ptpmConnectTimeoutMs: 1_500,
} satisfies Partial<OrionSettings>;

/** Boots the real app on loopback with ephemeral HTTP and UDP ports. */
export async function startOrion(settings: Partial<OrionSettings> = {}): Promise<OrionTestApp> {
  const logger = new CapturingLogger();
  const config = buildConfig({
    host: '127.0.0.1',
    httpPort: 0,
    udpPort: 0,
    ...FAST_TIMERS,
    ...settings,
  });
  const app = await createOrionApp(config, { logger });
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    logger,
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    udpPort: app.get(UdpListenerService).port,
    close: () => app.close(),
  };
}
