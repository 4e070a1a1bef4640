import { Injectable, type OnApplicationShutdown } from '@nestjs/common';

/**
 * The grace timers of the clients away in this process (opt-in reconnection), one per
 * client: each fires once, when its client's grace ends, unless it was cancelled (the client
 * resumed) first. Holds nothing else; ReconnectionService decides what an expiry does.
 */
@Injectable()
export class GraceTimers implements OnApplicationShutdown {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  /** Calls `onExpiry` at `awayUntil` (epoch ms); replaces the client's earlier timer, if any. */
  arm(clientId: string, awayUntil: number, onExpiry: () => void): void {
    this.cancel(clientId);
    const timer = setTimeout(
      () => {
        this.timers.delete(clientId);
        onExpiry();
      },
      Math.max(0, awayUntil - Date.now()),
    );
    // A grace timer alone must not keep the process alive: shutdown ends it in any case.
    timer.unref();
    this.timers.set(clientId, timer);
  }

  /** Stops the client's timer; false when it had none (it fired, or was never armed). */
  cancel(clientId: string): boolean {
    const timer = this.timers.get(clientId);
    if (timer === undefined) return false;
    clearTimeout(timer);
    this.timers.delete(clientId);
    return true;
  }

  has(clientId: string): boolean {
    return this.timers.has(clientId);
  }

  /** Stops every timer and returns the ids of their clients, still away. */
  cancelAll(): string[] {
    const ids = [...this.timers.keys()];
    for (const id of ids) this.cancel(id);
    return ids;
  }

  /** How many clients are away here: zero when none is. */
  get size(): number {
    return this.timers.size;
  }

  onApplicationShutdown(): void {
    this.cancelAll();
  }
}
