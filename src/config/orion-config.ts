import { IsBoolean, IsIn, IsIP, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

const MAX_TIMER_MS = 2_147_483_647; // setTimeout's upper bound
const MAX_SIZE_BYTES = 16 * 1024 * 1024;
const MAX_COUNT = 10_000_000;

/**
 * Every setting Orion reads, validated once at startup. Everything else injects this
 * class instead of reading flags or the environment itself.
 */
export class OrionConfig {
  /**
   * Bind address for the HTTP/WebSocket server and the UDP socket. Unset: `::` for IPv6 and
   * IPv4 both, or `0.0.0.0` without IPv6 (bind-host.ts decides; inject BindHost).
   */
  @IsOptional()
  @IsIP()
  host: string | undefined = undefined;

  @IsInt()
  @Min(0)
  @Max(65_535)
  httpPort = 5980;

  @IsInt()
  @Min(0)
  @Max(65_535)
  udpPort = 5990;

  /**
   * The UDP port clients are told to send to (`ptpMediation_send.port`), when a NodePort
   * or load balancer maps another port to `udpPort`; the bound port when unset.
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65_535)
  udpAdvertisedPort: number | undefined = undefined;

  /** Serve `/metrics` on this port instead of the HTTP port, so it need not be public. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65_535)
  metricsPort: number | undefined = undefined;

  /** The least severe log level written. */
  @IsIn(LOG_LEVELS)
  logLevel: LogLevel = 'info';

  /** JSON lines for machines, or colourful lines for people. */
  @IsIn(LOG_FORMATS)
  logFormat: LogFormat = 'json';

  /** How long to wait for every member's UDP packet. */
  @IsInt()
  @Min(1)
  @Max(MAX_TIMER_MS)
  ptpmServerConnectTimeoutMs = 300_000;

  /** How often to remind members we have not heard from over UDP. */
  @IsInt()
  @Min(1)
  @Max(MAX_TIMER_MS)
  ptpmConnectRequestIntervalMs = 10_000;

  /** How long to wait for every member to report a direct connection. */
  @IsInt()
  @Min(1)
  @Max(MAX_TIMER_MS)
  ptpmConnectTimeoutMs = 300_000;

  /**
   * Redis holding the shared state (`redis://` or `rediss://`). Unset: state lives in
   * this process, and no Redis is needed.
   */
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'redisUrl must be a redis:// or rediss:// URL' })
  redisUrl: string | undefined = undefined;

  /** Prefix of every Redis key, so several deployments can share one Redis. */
  @Matches(/^\S{1,64}$/, { message: 'redisKeyPrefix must be 1 to 64 characters without spaces' })
  redisKeyPrefix = '{orion}:';

  /**
   * With Redis: a replica that has not renewed its heartbeat for this long is presumed
   * dead, and a survivor cleans up its clients as if their sockets had closed.
   */
  @IsInt()
  @Min(500)
  @Max(MAX_TIMER_MS)
  replicaTimeoutMs = 10_000;

  /**
   * With Redis: how long a command may go unanswered before it fails as unavailable, so a
   * stalled Redis answers 503 in time instead of hanging every request behind it.
   */
  @IsInt()
  @Min(50)
  @Max(60_000)
  redisCommandTimeoutMs = 1_000;

  // Limits: they keep one abusive or broken client from costing everyone else.

  /** Largest WebSocket message accepted; a bigger one closes that socket with 1009. */
  @IsInt()
  @Min(64)
  @Max(MAX_SIZE_BYTES)
  maxFrameBytes = 16_384;

  /**
   * Unsent bytes held for one WebSocket (a client that stops reading); over it the socket
   * is closed with 1008 and the client cleaned up like any departure.
   */
  @IsInt()
  @Min(1_024)
  @Max(1024 * 1024 * 1024)
  maxBufferedBytes = 1_048_576;

  /** Largest HTTP request body accepted; a bigger one answers 413. */
  @IsInt()
  @Min(64)
  @Max(MAX_SIZE_BYTES)
  maxBodyBytes = 16_384;

  /** Largest UDP datagram read; bigger ones are ignored. */
  @IsInt()
  @Min(64)
  @Max(65_507)
  maxDatagramBytes = 1_024;

  /** Connected WebSocket clients at most; further upgrades answer 503. */
  @IsInt()
  @Min(1)
  @Max(MAX_COUNT)
  maxClients = 50_000;

  /** WebSocket connections at most from one IP address; further upgrades answer 429. */
  @IsInt()
  @Min(1)
  @Max(MAX_COUNT)
  maxConnectionsPerIp = 256;

  /**
   * Time from accepting a connection (or from the first byte of a further request on a
   * kept-alive one) until its request headers, or its WebSocket upgrade request, are in.
   * Later, it is answered 408 and closed, so stalled connections cannot pile up.
   */
  @IsInt()
  @Min(100)
  @Max(300_000)
  headersTimeoutMs = 5_000;

  /**
   * Time a whole HTTP request, headers and body, may take to arrive; then 408. Never shorter
   * than `headersTimeoutMs` in effect. Bodies are small (`maxBodyBytes`), hence 10 s.
   */
  @IsInt()
  @Min(100)
  @Max(600_000)
  requestTimeoutMs = 10_000;

  /**
   * Accepted connections at most whose first request or upgrade has not fully arrived;
   * further connections are closed at once. Bounds the sockets idle clients can hold.
   */
  @IsInt()
  @Min(1)
  @Max(MAX_COUNT)
  maxPendingConnections = 1_024;

  /**
   * The same, per TCP peer address (X-Forwarded-For is not known yet: behind a proxy, this
   * counts the proxy's connections).
   */
  @IsInt()
  @Min(1)
  @Max(MAX_COUNT)
  maxPendingConnectionsPerIp = 32;

  /** Chat messages a client may send per second, on average; the rest are dropped. */
  @IsInt()
  @Min(1)
  @Max(MAX_COUNT)
  chatRatePerSecond = 5;

  /** Chat messages a client may send at once before the rate applies. */
  @IsInt()
  @Min(1)
  @Max(MAX_COUNT)
  chatBurst = 10;

  /** POST requests per IP address per minute; 0 turns the limit off. */
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  httpRateLimit = 120;

  /** Joins and starts naming lobby ids that do not exist, per client per minute; 0: off. */
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  joinMissLimit = 10;

  /**
   * The same across every client of one IP address (an IPv6 /64): what stops a guesser who
   * opens socket after socket for fresh tokens; 0 turns it off.
   */
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  joinMissLimitPerIp = 100;

  /** Take the client's address from X-Forwarded-For (only behind a trusted proxy). */
  @IsBoolean()
  trustProxy = false;

  /**
   * Web origins that may use Orion from a browser: `*` for any, or a comma-separated list
   * of origins. Requests without an Origin header (native clients) are always allowed.
   */
  @Matches(/^(\*|[a-z][a-z0-9+.-]*:\/\/[^\s/,?#]+(,[a-z][a-z0-9+.-]*:\/\/[^\s/,?#]+)*)$/, {
    message: 'allowedOrigins must be * or comma-separated origins such as https://game.example',
  })
  allowedOrigins = '*';

  /** How often every WebSocket client is pinged; two missed pongs end the client. */
  @IsInt()
  @Min(1)
  @Max(MAX_TIMER_MS)
  wsHeartbeatIntervalMs = 30_000;

  /** How long a shutdown may take before the process exits anyway. */
  @IsInt()
  @Min(1)
  @Max(MAX_TIMER_MS)
  shutdownGraceMs = 10_000;
}

export type OrionSettings = { [K in keyof OrionConfig]: OrionConfig[K] };
