import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { unavailableAsError } from './unavailable-as-error.js';

/** How long startup waits for Redis before it gives up with a clear message. */
const CONNECT_TIMEOUT_MS = 5_000;

/** The process's one Redis connection, opened at startup and closed at shutdown. */
export class RedisConnection implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisConnection.name);

  /** The connection as stores use it: failed commands reject with StoreUnavailable. */
  readonly guarded: Redis;

  private sent = 0;

  private constructor(readonly redis: Redis) {
    this.guarded = unavailableAsError(redis);
    // Every command (a script run counts once) passes here: the count operators and
    // `npm run bench` read as this replica's round trips to Redis.
    const send = redis.sendCommand.bind(redis);
    redis.sendCommand = (...args) => {
      this.sent++;
      return send(...args);
    };
  }

  /** Commands sent on this connection so far. */
  get commandsSent(): number {
    return this.sent;
  }

  /**
   * Connects, or fails naming the server (never its password). A command unanswered after
   * `commandTimeoutMs` fails as unavailable: a Redis that stalls with its connection open
   * (paused, swapping, a long script) is then answered 503 in time instead of hanging
   * every request behind it. Its late reply is still read and discarded by ioredis.
   */
  static async open(url: string, commandTimeoutMs: number): Promise<RedisConnection> {
    const redis = new Redis(url, {
      lazyConnect: true,
      connectTimeout: CONNECT_TIMEOUT_MS,
      commandTimeout: commandTimeoutMs,
      // While Redis is away commands fail at once (answered 503), instead of queueing
      // without bound; ioredis keeps reconnecting in the background.
      enableOfflineQueue: false,
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
    connection.logger.debug(`Connected to Redis at ${safeAddress(url)}`);
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
