import type { Logger } from '@nestjs/common';
import { StoreUnavailable } from '../common/store-unavailable.js';

/** A timeout the store could not take is tried again this often, this many times. */
export const TIMEOUT_RETRY_MS = 500;
export const TIMEOUT_ATTEMPTS = 20;

/**
 * Runs the work of mediation timers without letting a stalled store distort it. A reminder
 * still waiting on the store when the next is due is skipped, not queued: otherwise a
 * stall would release a burst of reminders at once when it ends. A timeout the store could
 * not take is tried again shortly (ending a mediation is safe to repeat), so that a short
 * stall cannot leave a mediation that never ends. Neither ever throws.
 */
export class TimerWork {
  private readonly ticking = new Set<string>();
  private readonly retries = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly logger: Logger,
    /** Told of every piece of work skipped or postponed for want of the store. */
    private readonly onSkipped: (lobbyId: string) => void,
  ) {}

  /** A periodic piece of work (a reminder): at most one runs per lobby at a time. */
  tick(lobbyId: string, work: () => Promise<unknown>): void {
    if (this.ticking.has(lobbyId)) {
      this.onSkipped(lobbyId);
      return;
    }
    this.ticking.add(lobbyId);
    work()
      .catch((error: unknown) => this.report(lobbyId, error))
      .finally(() => this.ticking.delete(lobbyId));
  }

  /** A one-off piece of work that must happen (a timeout): retried while the store is away. */
  timeout(lobbyId: string, work: () => Promise<unknown>, attempt = 1): void {
    work().catch((error: unknown) => {
      if (!(error instanceof StoreUnavailable) || attempt >= TIMEOUT_ATTEMPTS || this.stopped) {
        return this.report(lobbyId, error);
      }
      this.onSkipped(lobbyId);
      const retry = setTimeout(() => {
        this.retries.delete(retry);
        this.timeout(lobbyId, work, attempt + 1);
      }, TIMEOUT_RETRY_MS);
      retry.unref();
      this.retries.add(retry);
    });
  }

  /** At shutdown: no retry runs after the store has closed. */
  stop(): void {
    this.stopped = true;
    for (const retry of this.retries) clearTimeout(retry);
    this.retries.clear();
  }

  private report(lobbyId: string, error: unknown): void {
    if (error instanceof StoreUnavailable) {
      this.onSkipped(lobbyId);
      // One line per reminder while Redis is away would flood the log; the metric counts them.
      this.logger.debug({ lobbyId }, 'Mediation timer skipped: the state store did not answer');
      return;
    }
    this.logger.error({ lobbyId, err: error }, 'Mediation timer failed');
  }
}
