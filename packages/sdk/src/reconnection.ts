import { CloseCode } from '@orion/protocol';
import { backoffDelayMs } from './backoff-schedule.js';
import type { ReconnectSettings } from './reconnect-options.js';
import type { AttemptOutcome } from './resume-attempt.js';

/** WebSocket close codes after which a client must not come back on its own. */
const NORMAL_CLOSURE = 1000;
/** Whether a socket that closed with `code` (a close the client did not ask for) is resumed. */
export function reconnectsAfter(code: number): boolean {
  return code !== NORMAL_CLOSURE && code !== CloseCode.RESUMED_ELSEWHERE;
}

/** What an attempt's outcome means for the reconnection as a whole. */
export function stepAfter(outcome: AttemptOutcome): 'done' | 'retry' | 'giveUp' {
  switch (outcome.kind) {
    case 'resumed':
      return 'done';
    case 'refused':
      // The client is gone (or this socket cannot take it): no later attempt can succeed.
      return outcome.reason === 'unknown_client' || outcome.reason === 'in_lobby'
        ? 'giveUp'
        : 'retry';
    case 'closed':
      // 1013: the server failed while resuming, and the client is still away.
      return reconnectsAfter(outcome.code) ? 'retry' : 'giveUp';
    case 'failedToOpen':
    case 'timedOut':
      return 'retry';
    case 'cancelled':
      return 'giveUp';
  }
}

/** How a reconnection ended. `why` is for humans: it never carries the token. */
export type ReconnectionEnd =
  { kind: 'resumed' } | { kind: 'gaveUp'; why: string } | { kind: 'cancelled' };

export interface ReconnectionOptions {
  settings: ReconnectSettings;
  /** Starts one attempt that gives up after `timeoutMs`. */
  attempt(timeoutMs: number): { outcome: Promise<AttemptOutcome>; cancel(): void };
  random?: () => number;
  now?: () => number;
}

/**
 * Brings a dropped client back: attempts on the backoff schedule until one resumes it, one
 * outcome rules that out, or `withinMs` has passed since the drop (an attempt never runs
 * past that). `cancel()` stops it, closing an attempt under way first.
 */
export class Reconnection {
  readonly ended: Promise<ReconnectionEnd>;
  private current: { cancel(): void } | undefined;
  private wakeUp: (() => void) | undefined;
  private waitTimer: NodeJS.Timeout | undefined;
  private cancelled = false;

  constructor(private readonly options: ReconnectionOptions) {
    this.ended = this.run();
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    clearTimeout(this.waitTimer);
    this.wakeUp?.();
    this.current?.cancel();
  }

  private async run(): Promise<ReconnectionEnd> {
    const { settings, random } = this.options;
    const now = this.options.now ?? Date.now;
    const deadline = now() + settings.withinMs;
    for (let attempt = 0; ; attempt++) {
      const delayMs = backoffDelayMs(attempt, settings, random);
      if (now() + delayMs >= deadline) {
        return { kind: 'gaveUp', why: `not back within ${settings.withinMs} ms` };
      }
      await this.wait(delayMs);
      if (this.cancelled) return { kind: 'cancelled' };
      const timeoutMs = Math.min(settings.resumeTimeoutMs, Math.max(1, deadline - now()));
      const current = this.options.attempt(timeoutMs);
      this.current = current;
      const outcome = await current.outcome;
      this.current = undefined;
      if (this.cancelled && outcome.kind !== 'resumed') return { kind: 'cancelled' };
      const step = stepAfter(outcome);
      if (step === 'done') return { kind: 'resumed' };
      if (step === 'giveUp') return { kind: 'gaveUp', why: describe(outcome) };
    }
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeUp = resolve;
      this.waitTimer = setTimeout(resolve, ms);
    });
  }
}

function describe(outcome: AttemptOutcome): string {
  switch (outcome.kind) {
    case 'refused':
      return `Orion refused to resume the client (${outcome.reason})`;
    case 'closed':
      return `Orion closed the new connection (code ${outcome.code})`;
    default:
      return outcome.kind;
  }
}
