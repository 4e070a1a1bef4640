import type { INestApplication } from '@nestjs/common';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { createOrionApp } from '../../../src/app.factory.js';
import type { OrionSettings } from '../../../src/config/orion-config.js';
import { buildConfig } from '../../../src/config/settings.js';
import { UdpListenerService } from '../../../src/udp/udp-listener.service.js';
import { deleteRedisKeys, testRedisSettings } from '../redis/test-redis.js';

/** Collects every line the server logs, so tests can assert on (or against) them. */
export class CapturingLogger extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line !== '') this.lines.push(line);
    done();
  }

  /** Every line parsed as JSON (the default log format). */
  get records(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  get text(): string {
    return this.lines.join('\n');
  }
}

/** Where a server under test listens, in-process or in a child process. */
export interface OrionAddress {
  httpUrl: string;
  wsUrl: string;
  udpPort: number;
}

export interface OrionTestApp extends OrionAddress {
  app: INestApplication;
  logger: CapturingLogger;
  close(): Promise<void>;
}

/** Short timers so mediation tests finish in seconds, not minutes. */
export const FAST_TIMERS = {
  ptpmConnectRequestIntervalMs: 200,
  ptpmServerConnectTimeoutMs: 1_500,
  ptpmConnectTimeoutMs: 1_500,
} satisfies Partial<OrionSettings>;

/** No HTTP rate limits: for tests that are not about them. */
export const UNLIMITED_HTTP = {
  httpRateLimit: 0,
  joinMissLimit: 0,
  joinMissLimitPerIp: 0,
} satisfies Partial<OrionSettings>;

/** Boots the real app on loopback with ephemeral HTTP and UDP ports. */
export async function startOrion(settings: Partial<OrionSettings> = {}): Promise<OrionTestApp> {
  const logger = new CapturingLogger();
  const config = buildConfig({
    host: '127.0.0.1',
    httpPort: 0,
    udpPort: 0,
    ...FAST_TIMERS,
    // Every level, so that tests see (and check for secrets) every line the server can write.
    logLevel: 'trace',
    // Most files send many requests from one address; the limit tests set their own.
    ...UNLIMITED_HTTP,
    ...testRedisSettings(),
    ...settings,
  });
  const app = await createOrionApp(config, { logDestination: logger });
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    logger,
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    udpPort: app.get(UdpListenerService).port,
    close: async () => {
      await app.close();
      await deleteRedisKeys(config.redisKeyPrefix);
    },
  };
}
