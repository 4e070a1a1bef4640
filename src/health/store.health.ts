import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { RedisConnection } from '../redis/redis-connection.js';

/** How long readiness waits for Redis to answer PING. */
const PING_TIMEOUT_MS = 1_000;

/**
 * Up while the state store answers: always for in-memory state; for Redis, while PING
 * answers in time. While it is down, requests answer 503, so readiness says so too.
 */
@Injectable()
export class StoreHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Optional() @Inject(RedisConnection) private readonly redis?: RedisConnection,
  ) {}

  async check(key: string) {
    const indicator = this.indicators.check(key);
    if (!this.redis) return indicator.up({ kind: 'memory' });
    try {
      await withTimeout(this.redis.redis.ping(), PING_TIMEOUT_MS);
      return indicator.up({ kind: 'redis' });
    } catch {
      return indicator.down({ kind: 'redis', message: 'Redis does not answer.' });
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
