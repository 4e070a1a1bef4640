import type { PeerEndpoint } from '@orion/protocol';

/**
 * The errors the SDK rejects with. Each names what went wrong in words a player or an
 * operator can act on; none ever carries the client's token.
 */

/** An HTTP request answered 4xx or 5xx; `errors` are the sentences from Orion's body. */
export class OrionRequestError extends Error {
  override readonly name = 'OrionRequestError';

  constructor(
    readonly status: number,
    readonly errors: string[],
    /** The request, e.g. `POST /lobbies/K7Q2Z/join` (paths never hold a token). */
    readonly request: string,
  ) {
    super(`${errors.join(' ')} (HTTP ${status} from ${request})`);
  }
}

/** Hole punching gave up: these peers never answered within the punch timeout. */
export class PunchFailedError extends Error {
  override readonly name = 'PunchFailedError';

  constructor(
    readonly unreachable: PeerEndpoint[],
    readonly timeoutMs: number,
  ) {
    const who = unreachable.map((peer) => `${peer.name} (${formatEndpoint(peer)})`).join(', ');
    super(`Hole punching failed: no answer within ${timeoutMs} ms from ${who}.`);
  }
}

/** Orion sent `ptpMediation_aborted`; `reason` is its `abortReason`. */
export class MediationAbortedError extends Error {
  override readonly name = 'MediationAbortedError';

  constructor(readonly reason: string) {
    super(`Orion aborted the mediation: ${reason}`);
  }
}

/** The mediation ended underneath `mediate()`: the lobby closed or the WebSocket did. */
export class MediationInterruptedError extends Error {
  override readonly name = 'MediationInterruptedError';
}

/** `ip:port`, with brackets around an IPv6 address so the port stays readable. */
export function formatEndpoint(endpoint: { ip: string; port: number }): string {
  return endpoint.ip.includes(':')
    ? `[${endpoint.ip}]:${endpoint.port}`
    : `${endpoint.ip}:${endpoint.port}`;
}
