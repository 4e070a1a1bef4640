import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';

/** How long startup waits for Redis before it gives up with a clear message. */
const CONNECT_TIMEOUT_MS = 5_000;

/** The process's one Redis connection, opened at startup and closed at shutdown. */
export class RedisConnection implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisConnection.name);

  private constructor(readonly redis: Redis) {}

  /** Connects, or fails naming the server (never its password). */
  static async open(url: string): Promise<RedisConnection> {
    const redis = new Redis(url, {
      lazyConnect: true,
      connectTimeout: CONNECT_TIMEOUT_MS,
      // A command fails fast while Redis is away instead of queueing without bound.
      maxRetriesPerRequest: 1,
    });
    // Errors are reported by the commands that meet them; this keeps ioredis quiet.
    redis.on('error', () => undefined);
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      throw new Error(`Could not reach Redis at ${safeAddress(url)}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const connection = new RedisConnection(redis);
    connection.logger.log(`Connected to Redis at ${safeAddress(url)}`);
    return connection;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** host:port of a Redis URL, without credentials. */
export function safeAddress(url: string): string {
  try {
    const { hostname, port } = new URL(url);
    return `${hostname}:${port || '6379'}`;
  } catch {
    return 'an unparsable URL';
  }
}
