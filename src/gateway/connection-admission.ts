import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import {
  isOriginAllowed,
  parseAllowedOrigins,
  type AllowedOrigins,
} from '../common/allowed-origins.js';
import { clientAddressOf } from '../common/source-address.js';
import { OrionConfig } from '../config/orion-config.js';
import { DrainState, SHUTTING_DOWN } from '../shutdown/drain-state.js';

export const SERVER_FULL = 'The server is full. Try again later.';
export const TOO_MANY_CONNECTIONS = 'Too many connections from your address. Close one first.';
export const ORIGIN_NOT_ALLOWED = 'This web origin may not connect to this server.';

/** Why a WebSocket upgrade is refused, as the HTTP status and message it answers with. */
export interface UpgradeRefusal {
  status: 403 | 429 | 503;
  reason: string;
}

/** An admitted connection holds its place until `release` (which only counts once). */
export type Admission =
  { admitted: true; release: () => void } | { admitted: false; refusal: UpgradeRefusal };

/**
 * Decides whether a WebSocket upgrade may proceed, and counts the connections it let in:
 * none while draining, at most `maxClients` in all and `maxConnectionsPerIp` from one
 * client address. A count is only ever given back by the admission's `release`.
 */
@Injectable()
export class ConnectionAdmission {
  private open = 0;
  private readonly openByAddress = new Map<string, number>();

  private readonly origins: AllowedOrigins;

  constructor(
    private readonly config: OrionConfig,
    private readonly drain: DrainState,
  ) {
    this.origins = parseAllowedOrigins(config.allowedOrigins);
  }

  admit(request: Pick<IncomingMessage, 'headers' | 'socket'>): Admission {
    if (this.drain.isDraining) return refused(503, SHUTTING_DOWN);
    // A page on another site must not open sockets in its visitors' name (CSWSH).
    if (!isOriginAllowed(this.origins, request.headers.origin)) {
      return refused(403, ORIGIN_NOT_ALLOWED);
    }
    if (this.open >= this.config.maxClients) return refused(503, SERVER_FULL);
    const address = clientAddressOf(request, this.config.trustProxy);
    const fromAddress = this.openByAddress.get(address) ?? 0;
    if (fromAddress >= this.config.maxConnectionsPerIp) return refused(429, TOO_MANY_CONNECTIONS);

    this.open++;
    this.openByAddress.set(address, fromAddress + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.open--;
      const left = (this.openByAddress.get(address) ?? 1) - 1;
      // Addresses with no connection left are forgotten, so the map cannot grow unbounded.
      if (left > 0) this.openByAddress.set(address, left);
      else this.openByAddress.delete(address);
    };
    return { admitted: true, release };
  }

  /** Connections admitted and not yet released. */
  get openConnections(): number {
    return this.open;
  }

  /** How many client addresses hold at least one connection. */
  get addressCount(): number {
    return this.openByAddress.size;
  }
}

function refused(status: UpgradeRefusal['status'], reason: string): Admission {
  return { admitted: false, refusal: { status, reason } };
}
