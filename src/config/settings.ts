import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { isIP } from 'node:net';
import { parseAllowedOrigins } from '../common/allowed-origins.js';
import { LOG_FORMATS, LOG_LEVELS, OrionConfig, type OrionSettings } from './orion-config.js';

/** Describes one setting for the command line: its flag, help text and parser. */
export interface SettingDefinition {
  key: keyof OrionSettings;
  valueName: string;
  /** A switch: the bare flag means true; a value (true/false) may still follow it. */
  isSwitch?: boolean;
  description: string;
  parse: (raw: string) => OrionSettings[keyof OrionSettings];
}

function integerIn(min: number, max: number) {
  return (raw: string): number => {
    const trimmed = raw.trim();
    if (!/^\d+$/.test(trimmed)) throw new Error(`expected a whole number from ${min} to ${max}`);
    const value = Number(trimmed);
    if (value < min || value > max)
      throw new Error(`expected a whole number from ${min} to ${max}`);
    return value;
  };
}

function ipAddress(raw: string): string {
  const trimmed = raw.trim();
  if (isIP(trimmed) === 0) throw new Error('expected an IPv4 or IPv6 address');
  return trimmed;
}

function oneOf<T extends string>(choices: readonly T[]) {
  return (raw: string): T => {
    const value = raw.trim() as T;
    if (!choices.includes(value)) throw new Error(`expected one of: ${choices.join(', ')}`);
    return value;
  };
}

function yesOrNo(raw: string): boolean {
  const value = raw.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(value)) return true;
  if (['false', '0', 'no'].includes(value)) return false;
  throw new Error('expected true or false');
}

function redisUrl(raw: string): string {
  const value = raw.trim();
  if (!/^rediss?:\/\/\S+$/.test(value)) throw new Error('expected a redis:// or rediss:// URL');
  return value;
}

function keyPrefix(raw: string): string {
  const value = raw.trim();
  if (!/^\S{1,64}$/.test(value)) throw new Error('expected 1 to 64 characters without spaces');
  return value;
}

const port = integerIn(0, 65_535);
const count = integerIn(1, 10_000_000);
const countOrOff = integerIn(0, 10_000_000);
const timerMs = integerIn(1, 2_147_483_647);

export const SETTINGS: readonly SettingDefinition[] = [
  {
    key: 'host',
    valueName: 'address',
    description:
      'address the HTTP/WebSocket server and the UDP socket bind to (default: "::", IPv6 and IPv4; "0.0.0.0" without IPv6)',
    parse: ipAddress,
  },
  {
    key: 'httpPort',
    valueName: 'port',
    description: 'port for HTTP requests and WebSocket upgrades (0 picks a free one)',
    parse: port,
  },
  {
    key: 'udpPort',
    valueName: 'port',
    description: 'port receiving ptpMediation_connect datagrams (0 picks a free one)',
    parse: port,
  },
  {
    key: 'udpAdvertisedPort',
    valueName: 'port',
    description: 'UDP port clients are told to send to, when a proxy maps it (default: udpPort)',
    parse: integerIn(1, 65_535),
  },
  {
    key: 'metricsPort',
    valueName: 'port',
    description: 'serve GET /metrics on this port instead of the HTTP port',
    parse: port,
  },
  {
    key: 'logLevel',
    valueName: 'level',
    description: `least severe log level written (${LOG_LEVELS.join(', ')})`,
    parse: oneOf(LOG_LEVELS),
  },
  {
    key: 'logFormat',
    valueName: 'format',
    description: 'json: one JSON object per line; pretty: readable lines for a terminal',
    parse: oneOf(LOG_FORMATS),
  },
  {
    key: 'ptpmServerConnectTimeoutMs',
    valueName: 'ms',
    description: "how long mediation waits for every member's UDP packet",
    parse: timerMs,
  },
  {
    key: 'ptpmConnectRequestIntervalMs',
    valueName: 'ms',
    description: 'how often ptpMediation_send is repeated to members not yet heard from',
    parse: timerMs,
  },
  {
    key: 'ptpmConnectTimeoutMs',
    valueName: 'ms',
    description: 'how long mediation waits for every member to report its peer connections',
    parse: timerMs,
  },
  {
    key: 'redisUrl',
    valueName: 'url',
    description: 'keep shared state in this Redis (redis:// or rediss://); unset: in memory',
    parse: redisUrl,
  },
  {
    key: 'redisKeyPrefix',
    valueName: 'prefix',
    description: 'prefix of every Redis key, so deployments can share one Redis',
    parse: keyPrefix,
  },
  {
    key: 'replicaTimeoutMs',
    valueName: 'ms',
    description:
      'with Redis: a replica silent this long is presumed dead and a survivor cleans up its clients',
    parse: integerIn(500, 2_147_483_647),
  },
  {
    key: 'redisCommandTimeoutMs',
    valueName: 'ms',
    description:
      'with Redis: a command unanswered this long fails (HTTP answers 503, other work is dropped)',
    parse: integerIn(50, 60_000),
  },
  {
    key: 'maxFrameBytes',
    valueName: 'bytes',
    description: 'largest WebSocket message; a bigger one closes that socket with 1009',
    parse: integerIn(64, 16 * 1024 * 1024),
  },
  {
    key: 'maxBufferedBytes',
    valueName: 'bytes',
    description:
      'unsent bytes the server holds for one WebSocket; over it the socket is closed with 1008',
    parse: integerIn(1_024, 1024 * 1024 * 1024),
  },
  {
    key: 'maxBodyBytes',
    valueName: 'bytes',
    description: 'largest HTTP request body; a bigger one answers 413',
    parse: integerIn(64, 16 * 1024 * 1024),
  },
  {
    key: 'maxDatagramBytes',
    valueName: 'bytes',
    description: 'largest UDP datagram read; bigger ones are ignored',
    parse: integerIn(64, 65_507),
  },
  {
    key: 'maxClients',
    valueName: 'count',
    description: 'connected WebSocket clients at most; further upgrades answer 503',
    parse: count,
  },
  {
    key: 'maxConnectionsPerIp',
    valueName: 'count',
    description: 'WebSocket connections at most per IP address; further upgrades answer 429',
    parse: count,
  },
  {
    key: 'headersTimeoutMs',
    valueName: 'ms',
    description:
      'time a connection has to send its request headers or WebSocket upgrade; then 408 and closed',
    parse: integerIn(100, 300_000),
  },
  {
    key: 'requestTimeoutMs',
    valueName: 'ms',
    description:
      'time a whole HTTP request (headers and body) may take to arrive; then 408 and closed',
    parse: integerIn(100, 600_000),
  },
  {
    key: 'maxPendingConnections',
    valueName: 'count',
    description:
      'connections at most still sending their first request or upgrade; further ones are closed',
    parse: count,
  },
  {
    key: 'maxPendingConnectionsPerIp',
    valueName: 'count',
    description:
      'the same per TCP peer address (a proxy counts as one); further connections are closed',
    parse: count,
  },
  {
    key: 'chatRatePerSecond',
    valueName: 'count',
    description: 'chat messages per client per second on average; excess is dropped',
    parse: count,
  },
  {
    key: 'chatBurst',
    valueName: 'count',
    description: 'chat messages a client may send at once before the rate applies',
    parse: count,
  },
  {
    key: 'httpRateLimit',
    valueName: 'count',
    description: 'POST requests per IP address per minute, then 429 (0: no limit)',
    parse: countOrOff,
  },
  {
    key: 'joinMissLimit',
    valueName: 'count',
    description:
      'joins and starts naming unknown lobby ids, per client per minute, then 429 for that client (0: no limit)',
    parse: countOrOff,
  },
  {
    key: 'joinMissLimitPerIp',
    valueName: 'count',
    description:
      'the same for all clients of one IP address together, then 429 for the address (0: no limit)',
    parse: countOrOff,
  },
  {
    key: 'trustProxy',
    valueName: 'boolean',
    isSwitch: true,
    description:
      "take the client's IP address from X-Forwarded-For; off unless given (behind a proxy only)",
    parse: yesOrNo,
  },
  {
    key: 'allowedOrigins',
    valueName: 'origins',
    description:
      'web origins that may call the API and open WebSockets from a browser: * or a comma-separated list',
    parse: (raw: string) => {
      const origins = parseAllowedOrigins(raw);
      return origins === '*' ? '*' : origins.join(',');
    },
  },
  {
    key: 'wsHeartbeatIntervalMs',
    valueName: 'ms',
    description: 'how often WebSocket clients are pinged; two missed pongs disconnect one',
    parse: timerMs,
  },
  {
    key: 'shutdownGraceMs',
    valueName: 'ms',
    description: 'on SIGTERM/SIGINT, how long the drain may take before the process exits',
    parse: timerMs,
  },
];

/** The environment variable for a setting: `httpPort` is read from `ORION_HTTP_PORT`. */
export function envNameOf(key: keyof OrionSettings): string {
  return `ORION_${key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

/** Builds and validates the config from explicit values, filling in the defaults. */
export function buildConfig(values: Partial<OrionSettings> = {}): OrionConfig {
  const given = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
  const config = plainToInstance(OrionConfig, { ...new OrionConfig(), ...given });
  const errors = validateSync(config);
  if (errors.length > 0) {
    const first = errors[0];
    const reason = Object.values(first.constraints ?? {})[0] ?? 'is invalid';
    throw new Error(`Invalid setting ${first.property}: ${reason}`);
  }
  return config;
}
