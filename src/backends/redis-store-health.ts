import type { Redis } from 'ioredis';
import type { StoreHealth, StoreStatus } from './store-health.js';

/** How long readiness waits for Redis to answer PING. */
const PING_TIMEOUT_MS = 1_000;

/**
 * Up while Redis answers PING in time. While it is down, requests answer 503, so
 * readiness says so too.
 */
export class RedisStoreHealth implements StoreHealth {
  constructor(private readonly redis: Redis) {}

  async status(): Promise<StoreStatus> {
    try {
      await withTimeout(this.redis.ping(), PING_TIMEOUT_MS);
      return { up: true, kind: 'redis' };
    } catch {
      return { up: false, kind: 'redis', message: 'Redis does not answer.' };
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
