import { OPENAPI_UI_PATH } from '../common/openapi.js';
import { safeAddress } from '../redis/redis-connection.js';

export interface ServingAt {
  host: string;
  httpPort: number;
  udpPort: number;
  /** The bound port of `--metricsPort`; without it, /metrics is on the HTTP port. */
  metricsPort?: number;
  /** Set: the state lives in this Redis (only its host:port is printed). */
  redisUrl?: string;
  /** Set: the opt-in relay is on, on these ports of `host`. */
  relay?: { host: string; ports: string };
}

/** A host as it goes before `:port`: an IPv6 address in brackets. */
function hostPart(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * The one info line that says Orion is up: every address a user or a client needs, and
 * where the state lives. Greppable by its "Orion is serving" start; never a password.
 */
export function startupLine(at: ServingAt): string {
  const host = hostPart(at.host);
  const http = `http://${host}:${at.httpPort}`;
  const metrics = `http://${host}:${at.metricsPort ?? at.httpPort}/metrics`;
  const mode = at.redisUrl ? `redis ${safeAddress(at.redisUrl)}` : 'memory';
  return [
    `Orion is serving HTTP ${http}`,
    `WebSocket ws://${host}:${at.httpPort}`,
    `UDP ${host}:${at.udpPort}`,
    `docs ${http}/${OPENAPI_UI_PATH}`,
    `metrics ${metrics}`,
    `mode ${mode}`,
    ...(at.relay ? [`relay ${hostPart(at.relay.host)}:${at.relay.ports}`] : []),
  ].join(', ');
}
