import { IsIn, IsIP, IsInt, IsOptional, Max, Min } from 'class-validator';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

const MAX_TIMER_MS = 2_147_483_647; // setTimeout's upper bound

/**
 * Every setting Orion reads, validated once at startup. Everything else injects this
 * class instead of reading flags or the environment itself.
 */
export class OrionConfig {
  /** Bind address for the HTTP/WebSocket server and the UDP socket. */
  @IsIP()
  host = '0.0.0.0';

  @IsInt()
  @Min(0)
  @Max(65_535)
  httpPort = 5980;

  @IsInt()
  @Min(0)
  @Max(65_535)
  udpPort = 5990;

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
}

export type OrionSettings = { [K in keyof OrionConfig]: OrionConfig[K] };
