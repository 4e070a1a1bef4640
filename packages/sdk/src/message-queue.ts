import type { ServerMessages, ServerMethod } from '@orion/protocol';

/** How many unread messages of one kind are kept; older ones are dropped first. */
const MAX_UNREAD_PER_METHOD = 256;

interface Waiter {
  resolve: (payload: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Server messages kept for `next()`: each call takes the oldest message of its kind that
 * no earlier call took, or waits for the next one. So a test or a game can ask for a
 * message after it arrived without racing it. Bounded, so a client that never calls
 * `next()` does not grow without end.
 */
export class MessageQueue {
  private readonly unread = new Map<string, unknown[]>();
  private readonly waiters = new Map<string, Waiter[]>();
  private closedBecause: Error | undefined;

  push(method: string, payload: unknown): void {
    const waiter = this.waiters.get(method)?.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      waiter.resolve(payload);
      return;
    }
    const queue = this.unread.get(method) ?? [];
    queue.push(payload);
    if (queue.length > MAX_UNREAD_PER_METHOD) queue.shift();
    this.unread.set(method, queue);
  }

  next<M extends ServerMethod>(method: M, timeoutMs: number): Promise<ServerMessages[M]> {
    const queue = this.unread.get(method);
    if (queue && queue.length > 0) return Promise.resolve(queue.shift() as ServerMessages[M]);
    if (this.closedBecause) return Promise.reject(this.closedBecause);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: resolve as (payload: unknown) => void,
        reject,
        timer: setTimeout(() => {
          this.removeWaiter(method, waiter);
          reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${method}.`));
        }, timeoutMs),
      };
      this.waiters.set(method, [...(this.waiters.get(method) ?? []), waiter]);
    });
  }

  /** No more messages will come: every waiter, now and later, fails with `error`. */
  close(error: Error): void {
    this.closedBecause ??= error;
    for (const waiters of this.waiters.values()) {
      for (const waiter of waiters) {
        clearTimeout(waiter.timer);
        waiter.reject(this.closedBecause);
      }
    }
    this.waiters.clear();
  }

  private removeWaiter(method: string, waiter: Waiter): void {
    const rest = (this.waiters.get(method) ?? []).filter((w) => w !== waiter);
    this.waiters.set(method, rest);
  }
}
