import type { INestApplication } from '@nestjs/common';
import { OrionEventBus } from '../../../src/common/orion-events.js';

/**
 * Counts what the server has finished with, from the events it emits once per input:
 * `ws.frame` when a WebSocket frame has been dropped or handled, `udp.datagram` when a
 * datagram has. Waiting for the count to reach what was sent gives a quiet point at which
 * the state can be checked, with no guessing of delays.
 */
export class ProcessedCounter {
  /** How many inputs ended each way (`accepted`, `malformed`, ...). */
  readonly results = new Map<string, number>();
  private count = 0;
  private waiters: { target: number; resolve: () => void }[] = [];

  constructor(app: INestApplication, event: 'ws.frame' | 'udp.datagram') {
    app.get(OrionEventBus).on(event, ({ result }) => {
      this.results.set(result, (this.results.get(result) ?? 0) + 1);
      this.count++;
      this.waiters = this.waiters.filter((waiter) => {
        if (this.count < waiter.target) return true;
        waiter.resolve();
        return false;
      });
    });
  }

  /**
   * Waits until `target` inputs were processed, or `timeoutMs` passed; returns how many
   * were still missing then (0 when all arrived).
   */
  async reach(target: number, timeoutMs: number): Promise<number> {
    if (this.count >= target) return 0;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      const waiter = { target, resolve };
      this.waiters.push(waiter);
      timer = setTimeout(() => {
        this.waiters = this.waiters.filter((other) => other !== waiter);
        resolve();
      }, timeoutMs);
    });
    clearTimeout(timer);
    return Math.max(0, target - this.count);
  }
}
