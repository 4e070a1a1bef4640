import { LIMIT_WINDOW_MS } from './limit-window.js';

interface Window {
  count: number;
  endsAt: number;
}

/**
 * Counts per key in a fixed window that opens with the key's first count. A request is
 * counted when it is let through and taken back when it turns out not to be a miss, so that
 * requests still in flight count too: many sent at once cannot overshoot the limit.
 */
export class MissWindows {
  // Every window is equally long, so insertion order is also end order: the expired ones
  // are always at the front, and forgetting them costs only as much as there are.
  private readonly windows = new Map<string, Window>();

  /** Seconds until `key`'s window ends, once it has counted `limit`; else undefined. */
  retryAfterSeconds(key: string, limit: number, now: number): number | undefined {
    this.forgetExpired(now);
    const window = this.windows.get(key);
    if (window === undefined || window.count < limit) return undefined;
    return Math.max(1, Math.ceil((window.endsAt - now) / 1_000));
  }

  /** Counts one for `key`; the function returned takes it back (only once). */
  count(key: string, now: number): () => void {
    this.forgetExpired(now);
    let window = this.windows.get(key);
    if (window) window.count++;
    else this.windows.set(key, (window = { count: 1, endsAt: now + LIMIT_WINDOW_MS }));
    const counted = window;
    let takenBack = false;
    return () => {
      if (takenBack) return;
      takenBack = true;
      counted.count--;
      // An empty window is forgotten, so that the next miss opens a window of its own.
      if (counted.count === 0 && this.windows.get(key) === counted) this.windows.delete(key);
    };
  }

  /** Keys with an open window: the memory this holds. */
  get size(): number {
    return this.windows.size;
  }

  private forgetExpired(now: number): void {
    for (const [key, window] of this.windows) {
      if (window.endsAt > now) return;
      this.windows.delete(key);
    }
  }
}
