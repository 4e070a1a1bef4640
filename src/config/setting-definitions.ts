import {
  integer,
  ipAddress,
  matching,
  oneOf,
  portRange,
  webOrigins,
  yesOrNo,
  type ValueType,
} from './setting-values.js';

/**
 * One setting, written once. Its flag (`--httpPort`), its environment variable
 * (`ORION_HTTP_PORT`), its --help entry, its property on OrionConfig and that property's
 * validation are all derived from this (settings.ts, orion-config.ts).
 */
export interface SettingSpec<T> {
  /** How text is read and values are checked. */
  value: ValueType<Exclude<T, undefined>>;
  /** Undefined: the setting is optional and unset unless given. */
  default: T;
  /** Stands for the value in --help: `--httpPort <port>`. */
  valueName: string;
  /** The --help text. */
  description: string;
}

interface Described {
  valueName: string;
  description: string;
}

/** Checks the default against the value type; an undefined default makes the setting optional. */
function setting<T>(spec: Described & { value: ValueType<T>; default: NoInfer<T> }): SettingSpec<T>;
function setting<T>(
  spec: Described & { value: ValueType<T>; default: undefined },
): SettingSpec<T | undefined>;
function setting<T>(spec: SettingSpec<T>): SettingSpec<T> {
  return spec;
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

const MAX_TIMER_MS = 2_147_483_647; // setTimeout's upper bound
const MAX_SIZE_BYTES = 16 * 1024 * 1024;
const MAX_COUNT = 10_000_000;

const port = integer(0, 65_535);
const timerMs = integer(1, MAX_TIMER_MS);
const count = integer(1, MAX_COUNT);
const countOrOff = integer(0, MAX_COUNT);

/** Every setting Orion reads, in --help order. */
export const SETTING_DEFINITIONS = {
  /**
   * Bind address for the HTTP/WebSocket server and the UDP socket. Unset: `::` for IPv6 and
   * IPv4 both, or `0.0.0.0` without IPv6 (bind-host.ts decides; inject BindHost).
   */
  host: setting({
    value: ipAddress,
    default: undefined,
    valueName: 'address',
    description:
      'address the HTTP/WebSocket server and the UDP socket bind to (default: "::", IPv6 and IPv4; "0.0.0.0" without IPv6)',
  }),
  httpPort: setting({
    value: port,
    default: 5980,
    valueName: 'port',
    description: 'port for HTTP requests and WebSocket upgrades (0 picks a free one)',
  }),
  udpPort: setting({
    value: port,
    default: 5990,
    valueName: 'port',
    description: 'port receiving ptpMediation_connect datagrams (0 picks a free one)',
  }),
  /**
   * The UDP port clients are told to send to (`ptpMediation_send.port`), when a NodePort
   * or load balancer maps another port to `udpPort`; the bound port when unset.
   */
  udpAdvertisedPort: setting({
    value: integer(1, 65_535),
    default: undefined,
    valueName: 'port',
    description: 'UDP port clients are told to send to, when a proxy maps it (default: udpPort)',
  }),
  /** Serve `/metrics` on this port instead of the HTTP port, so it need not be public. */
  metricsPort: setting({
    value: port,
    default: undefined,
    valueName: 'port',
    description: 'serve GET /metrics on this port instead of the HTTP port',
  }),
  logLevel: setting({
    value: oneOf(LOG_LEVELS),
    default: 'info',
    valueName: 'level',
    description: `least severe log level written (${LOG_LEVELS.join(', ')})`,
  }),
  /** JSON lines for machines, or colourful lines for people. */
  logFormat: setting({
    value: oneOf(LOG_FORMATS),
    default: 'json',
    valueName: 'format',
    description: 'json: one JSON object per line; pretty: readable lines for a terminal',
  }),
  ptpmServerConnectTimeoutMs: setting({
    value: timerMs,
    default: 300_000,
    valueName: 'ms',
    description: "how long mediation waits for every member's UDP packet",
  }),
  ptpmConnectRequestIntervalMs: setting({
    value: timerMs,
    default: 10_000,
    valueName: 'ms',
    description: 'how often ptpMediation_send is repeated to members not yet heard from',
  }),
  ptpmConnectTimeoutMs: setting({
    value: timerMs,
    default: 300_000,
    valueName: 'ms',
    description: 'how long mediation waits for every member to report its peer connections',
  }),
  /**
   * Redis holding the shared state. Unset: state lives in this process, and no Redis is
   * needed.
   */
  redisUrl: setting({
    value: matching(/^rediss?:\/\/\S+$/, 'a redis:// or rediss:// URL'),
    default: undefined,
    valueName: 'url',
    description: 'keep shared state in this Redis (redis:// or rediss://); unset: in memory',
  }),
  redisKeyPrefix: setting({
    value: matching(/^\S{1,64}$/, '1 to 64 characters without spaces'),
    default: '{orion}:',
    valueName: 'prefix',
    description: 'prefix of every Redis key, so deployments can share one Redis',
  }),
  /**
   * With Redis: a replica that has not renewed its heartbeat for this long is presumed
   * dead, and a survivor cleans up its clients as if their sockets had closed.
   */
  replicaTimeoutMs: setting({
    value: integer(500, MAX_TIMER_MS),
    default: 10_000,
    valueName: 'ms',
    description:
      'with Redis: a replica silent this long is presumed dead and a survivor cleans up its clients',
  }),
  /**
   * With Redis: how long a command may go unanswered before it fails as unavailable, so a
   * stalled Redis answers 503 in time instead of hanging every request behind it.
   */
  redisCommandTimeoutMs: setting({
    value: integer(50, 60_000),
    default: 1_000,
    valueName: 'ms',
    description:
      'with Redis: a command unanswered this long fails (HTTP answers 503, other work is dropped)',
  }),

  // Limits: they keep one abusive or broken client from costing everyone else.

  maxFrameBytes: setting({
    value: integer(64, MAX_SIZE_BYTES),
    default: 16_384,
    valueName: 'bytes',
    description: 'largest WebSocket message; a bigger one closes that socket with 1009',
  }),
  /**
   * Unsent bytes held for one WebSocket (a client that stops reading); over it the socket
   * is closed with 1008 and the client cleaned up like any departure.
   */
  maxBufferedBytes: setting({
    value: integer(1_024, 1024 * 1024 * 1024),
    default: 1_048_576,
    valueName: 'bytes',
    description:
      'unsent bytes the server holds for one WebSocket; over it the socket is closed with 1008',
  }),
  maxBodyBytes: setting({
    value: integer(64, MAX_SIZE_BYTES),
    default: 16_384,
    valueName: 'bytes',
    description: 'largest HTTP request body; a bigger one answers 413',
  }),
  maxDatagramBytes: setting({
    value: integer(64, 65_507),
    default: 1_024,
    valueName: 'bytes',
    description: 'largest UDP datagram read; bigger ones are ignored',
  }),
  maxClients: setting({
    value: count,
    default: 50_000,
    valueName: 'count',
    description: 'connected WebSocket clients at most; further upgrades answer 503',
  }),
  maxConnectionsPerIp: setting({
    value: count,
    default: 256,
    valueName: 'count',
    description: 'WebSocket connections at most per IP address; further upgrades answer 429',
  }),
  /**
   * Time from accepting a connection (or from the first byte of a further request on a
   * kept-alive one) until its request headers, or its WebSocket upgrade request, are in.
   * Later, it is answered 408 and closed, so stalled connections cannot pile up.
   */
  headersTimeoutMs: setting({
    value: integer(100, 300_000),
    default: 5_000,
    valueName: 'ms',
    description:
      'time a connection has to send its request headers or WebSocket upgrade; then 408 and closed',
  }),
  /**
   * Never shorter than `headersTimeoutMs` in effect. Bodies are small (`maxBodyBytes`),
   * hence 10 s.
   */
  requestTimeoutMs: setting({
    value: integer(100, 600_000),
    default: 10_000,
    valueName: 'ms',
    description:
      'time a whole HTTP request (headers and body) may take to arrive; then 408 and closed',
  }),
  /** Bounds the sockets idle clients can hold. */
  maxPendingConnections: setting({
    value: count,
    default: 1_024,
    valueName: 'count',
    description:
      'connections at most still sending their first request or upgrade; further ones are closed',
  }),
  /** X-Forwarded-For is not known yet: behind a proxy, this counts the proxy's connections. */
  maxPendingConnectionsPerIp: setting({
    value: count,
    default: 32,
    valueName: 'count',
    description:
      'the same per TCP peer address (a proxy counts as one); further connections are closed',
  }),
  chatRatePerSecond: setting({
    value: count,
    default: 5,
    valueName: 'count',
    description: 'chat messages per client per second on average; excess is dropped',
  }),
  chatBurst: setting({
    value: count,
    default: 10,
    valueName: 'count',
    description: 'chat messages a client may send at once before the rate applies',
  }),
  httpRateLimit: setting({
    value: countOrOff,
    default: 120,
    valueName: 'count',
    description: 'POST requests per IP address per minute, then 429 (0: no limit)',
  }),
  joinMissLimit: setting({
    value: countOrOff,
    default: 10,
    valueName: 'count',
    description:
      'joins and starts naming unknown lobby ids, per client per minute, then 429 for that client (0: no limit)',
  }),
  /**
   * The same across every client of one IP address (an IPv6 /64): what stops a guesser who
   * opens socket after socket for fresh tokens.
   */
  joinMissLimitPerIp: setting({
    value: countOrOff,
    default: 100,
    valueName: 'count',
    description:
      'the same for all clients of one IP address together, then 429 for the address (0: no limit)',
  }),
  trustProxy: setting({
    value: yesOrNo,
    default: false,
    valueName: 'boolean',
    description:
      "take the client's IP address from X-Forwarded-For; off unless given (behind a proxy only)",
  }),
  /**
   * Web origins that may use Orion from a browser. Requests without an Origin header
   * (native clients) are always allowed.
   */
  allowedOrigins: setting({
    value: webOrigins,
    default: '*',
    valueName: 'origins',
    description:
      'web origins that may call the API and open WebSockets from a browser: * or a comma-separated list',
  }),
  wsHeartbeatIntervalMs: setting({
    value: timerMs,
    default: 30_000,
    valueName: 'ms',
    description: 'how often WebSocket clients are pinged; two missed pongs disconnect one',
  }),
  /**
   * Reconnection (opt-in): how long a client whose socket dropped without a clean close is
   * held, seat, name and host role included, for a new socket to resume it with
   * `client_resume`. 0: a closed socket is a departed client, the original behaviour.
   */
  reconnectGraceMs: setting({
    value: integer(0, 300_000),
    default: 0,
    valueName: 'ms',
    description:
      'how long a client whose connection dropped keeps its place, to resume with client_resume (0: off)',
  }),
  shutdownGraceMs: setting({
    value: timerMs,
    default: 10_000,
    valueName: 'ms',
    description: 'on SIGTERM/SIGINT, how long the drain may take before the process exits',
  }),
  /**
   * The relay fallback for pairs that cannot punch (src/relay): off unless a range is given.
   * Each relayed pair takes two ports of it.
   */
  relayPorts: setting({
    value: portRange,
    default: undefined,
    valueName: 'first-last',
    description:
      'UDP ports for relaying pairs that cannot hole-punch, two per pair, e.g. 40000-40999 (unset: no relay)',
  }),
  /** What clients are told to send relayed datagrams to; required with relayPorts. */
  relayHost: setting({
    value: ipAddress,
    default: undefined,
    valueName: 'address',
    description: "this server's IP address as players reach it, named in relay endpoints",
  }),
  relayBytesPerSecond: setting({
    value: count,
    default: 262_144,
    valueName: 'bytes',
    description: 'bytes one relayed pair may send per second, both ways together; more are dropped',
  }),
  relayIdleTimeoutMs: setting({
    value: timerMs,
    default: 30_000,
    valueName: 'ms',
    description: 'a relayed pair that sends nothing for this long is ended and its ports freed',
  }),
  relayMaxLifetimeMs: setting({
    value: timerMs,
    default: 21_600_000,
    valueName: 'ms',
    description: 'the longest a relayed pair lasts, busy or not',
  }),
  relayMaxSessions: setting({
    value: count,
    default: 1_000,
    valueName: 'count',
    description:
      'pairs relayed at once; a request beyond it (or beyond the ports) aborts its mediation',
  }),
};

export type SettingKey = keyof typeof SETTING_DEFINITIONS;

/** The value of every setting, typed from its definition. */
export type SettingValues = {
  -readonly [K in SettingKey]: (typeof SETTING_DEFINITIONS)[K]['default'];
};
