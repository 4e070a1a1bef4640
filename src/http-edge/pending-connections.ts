/** Why a new connection was turned away while others were still sending their request. */
export type PendingRefusal = 'pending_total' | 'pending_per_ip';

/** A counted connection holds its place until `release` (which only counts once). */
export type PendingAdmission =
  { admitted: true; release: () => void } | { admitted: false; reason: PendingRefusal };

export interface PendingLimits {
  maxPendingConnections: number;
  maxPendingConnectionsPerIp: number;
}

/**
 * Counts connections that are accepted but have not yet sent a complete request or
 * upgrade: at most `maxPendingConnections` in all and `maxPendingConnectionsPerIp` from
 * one peer address. Addresses are forgotten when their last connection is released, so
 * the map never holds more entries than there are pending connections.
 */
export class PendingConnections {
  private pending = 0;
  private readonly byAddress = new Map<string, number>();

  constructor(private readonly limits: PendingLimits) {}

  admit(address: string): PendingAdmission {
    if (this.pending >= this.limits.maxPendingConnections) {
      return { admitted: false, reason: 'pending_total' };
    }
    const fromAddress = this.byAddress.get(address) ?? 0;
    if (fromAddress >= this.limits.maxPendingConnectionsPerIp) {
      return { admitted: false, reason: 'pending_per_ip' };
    }
    this.pending++;
    this.byAddress.set(address, fromAddress + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.pending--;
      const left = (this.byAddress.get(address) ?? 1) - 1;
      if (left > 0) this.byAddress.set(address, left);
      else this.byAddress.delete(address);
    };
    return { admitted: true, release };
  }

  /** Connections admitted and not yet released. */
  get count(): number {
    return this.pending;
  }

  /** How many peer addresses hold at least one pending connection. */
  get addressCount(): number {
    return this.byAddress.size;
  }
}
