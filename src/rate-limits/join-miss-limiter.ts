import { Injectable } from '@nestjs/common';
import { OrionConfig } from '../config/orion-config.js';
import { LIMIT_WINDOW_MS } from './limit-window.js';

interface MissWindow {
  misses: number;
  endsAt: number;
}

/**
 * Counts joins to lobby ids that do not exist, per client address, in a fixed window that
 * opens with the address's first miss. An address that has used up `joinMissLimit` misses is
 * refused every join until its window ends, so that private lobby codes cannot be guessed.
 */
@Injectable()
export class JoinMissLimiter {
  // Every window is equally long, so insertion order is also end order: the expired ones
  // are always at the front, and forgetting them costs only as much as there are.
  private readonly windows = new Map<string, MissWindow>();

  constructor(private readonly config: OrionConfig) {}

  /** Seconds until `address` may join again; undefined while it may join now. */
  retryAfterSeconds(address: string, now = Date.now()): number | undefined {
    const limit = this.config.joinMissLimit;
    if (limit === 0) return undefined;
    this.forgetExpired(now);
    const window = this.windows.get(address);
    if (window === undefined || window.misses < limit) return undefined;
    return Math.max(1, Math.ceil((window.endsAt - now) / 1_000));
  }

  /** `address` asked to join a lobby that does not exist. */
  recordMiss(address: string, now = Date.now()): void {
    if (this.config.joinMissLimit === 0) return;
    this.forgetExpired(now);
    const window = this.windows.get(address);
    if (window) window.misses++;
    else this.windows.set(address, { misses: 1, endsAt: now + LIMIT_WINDOW_MS });
  }

  /** How many addresses have an open window: the memory this limiter holds. */
  get trackedAddresses(): number {
    return this.windows.size;
  }

  private forgetExpired(now: number): void {
    for (const [address, window] of this.windows) {
      if (window.endsAt > now) return;
      this.windows.delete(address);
    }
  }
}
