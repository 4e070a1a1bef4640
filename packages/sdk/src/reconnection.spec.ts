import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReconnectSettings } from './reconnect-options.js';
import { Reconnection, reconnectsAfter, stepAfter } from './reconnection.js';
import type { AttemptOutcome } from './resume-attempt.js';

const SETTINGS: ReconnectSettings = {
  withinMs: 10_000,
  initialDelayMs: 100,
  maxDelayMs: 1_000,
  resumeTimeoutMs: 2_000,
};

/** Attempts the test answers by hand, each recorded with when it started and its limit. */
class FakeAttempts {
  readonly started: { atMs: number; timeoutMs: number; cancelled: boolean }[] = [];
  private answer: ((outcome: AttemptOutcome) => void) | undefined;

  readonly start = (timeoutMs: number) => {
    const record = { atMs: Date.now(), timeoutMs, cancelled: false };
    this.started.push(record);
    const outcome = new Promise<AttemptOutcome>((resolve) => (this.answer = resolve));
    return {
      outcome,
      cancel: () => {
        record.cancelled = true;
        this.answer?.({ kind: 'cancelled' });
      },
    };
  };

  /** Ends the attempt under way with `outcome`. */
  end(outcome: AttemptOutcome): void {
    const answer = this.answer;
    this.answer = undefined;
    if (!answer) throw new Error('no attempt is under way');
    answer(outcome);
  }
}

describe('the reconnection state machine', () => {
  let attempts: FakeAttempts;
  let startedAt: number;

  beforeEach(() => {
    vi.useFakeTimers();
    attempts = new FakeAttempts();
    startedAt = Date.now();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const reconnection = (settings = SETTINGS) =>
    new Reconnection({ settings, attempt: attempts.start, random: () => 0 });

  it('reconnects after any close but a clean one (1000) and a take-over (4001)', () => {
    for (const code of [1001, 1005, 1006, 1011, 1012, 1013, 4000]) {
      expect(reconnectsAfter(code)).toBe(true);
    }
    expect(reconnectsAfter(1000)).toBe(false);
    expect(reconnectsAfter(4001)).toBe(false);
  });

  it('reads each outcome as the protocol says', () => {
    const steps = (
      [
        [{ kind: 'resumed' }, 'done'],
        [{ kind: 'refused', reason: 'unknown_client' }, 'giveUp'],
        [{ kind: 'refused', reason: 'in_lobby' }, 'giveUp'],
        [{ kind: 'refused', reason: 'unavailable' }, 'retry'],
        [{ kind: 'refused', reason: 'connected_elsewhere' }, 'retry'],
        [{ kind: 'closed', code: 1013 }, 'retry'],
        [{ kind: 'closed', code: 1006 }, 'retry'],
        [{ kind: 'closed', code: 1000 }, 'giveUp'],
        [{ kind: 'closed', code: 4001 }, 'giveUp'],
        [{ kind: 'failedToOpen' }, 'retry'],
        [{ kind: 'timedOut' }, 'retry'],
      ] as [AttemptOutcome, string][]
    ).map(([outcome, expected]) => [stepAfter(outcome), expected]);
    for (const [actual, expected] of steps) expect(actual).toBe(expected);
  });

  it('retries on the backoff schedule through every passing failure, then resumes', async () => {
    const running = reconnection();
    const failures: AttemptOutcome[] = [
      { kind: 'refused', reason: 'unavailable' },
      { kind: 'refused', reason: 'connected_elsewhere' },
      { kind: 'failedToOpen' },
      { kind: 'closed', code: 1013 },
      { kind: 'timedOut' },
    ];
    let elapsed = 0;
    for (const [index, failure] of failures.entries()) {
      const delay = [100, 100, 200, 400, 500][index];
      await vi.advanceTimersByTimeAsync(delay - 1);
      expect(attempts.started).toHaveLength(index);
      await vi.advanceTimersByTimeAsync(1);
      expect(attempts.started).toHaveLength(index + 1);
      elapsed += delay;
      expect(attempts.started[index].atMs - startedAt).toBe(elapsed);
      // Each attempt may run its full limit, the deadline being far.
      expect(attempts.started[index].timeoutMs).toBe(SETTINGS.resumeTimeoutMs);
      attempts.end(failure);
    }
    await vi.advanceTimersByTimeAsync(1_000);
    attempts.end({ kind: 'resumed' });
    expect(await running.ended).toEqual({ kind: 'resumed' });
    expect(attempts.started).toHaveLength(6);
  });

  it('gives up at once when Orion no longer knows the client', async () => {
    const running = reconnection();
    await vi.advanceTimersByTimeAsync(100);
    attempts.end({ kind: 'refused', reason: 'unknown_client' });
    expect(await running.ended).toEqual({
      kind: 'gaveUp',
      why: 'Orion refused to resume the client (unknown_client)',
    });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(attempts.started).toHaveLength(1);
  });

  it('gives up when withinMs has passed, and never lets an attempt run past it', async () => {
    const running = reconnection({ ...SETTINGS, withinMs: 1_000 });
    await vi.advanceTimersByTimeAsync(100);
    attempts.end({ kind: 'failedToOpen' });
    await vi.advanceTimersByTimeAsync(100);
    // 800 ms are left: this attempt's limit is cut to them.
    expect(attempts.started[1].timeoutMs).toBe(800);
    await vi.advanceTimersByTimeAsync(700);
    attempts.end({ kind: 'timedOut' });
    // The next wait (200 ms) would end past the deadline: no third attempt.
    expect(await running.ended).toEqual({ kind: 'gaveUp', why: 'not back within 1000 ms' });
    expect(attempts.started).toHaveLength(2);
  });

  it('stops without an attempt when cancelled while waiting', async () => {
    const running = reconnection();
    await vi.advanceTimersByTimeAsync(50);
    running.cancel();
    expect(await running.ended).toEqual({ kind: 'cancelled' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(attempts.started).toHaveLength(0);
  });

  it('cancels the attempt under way when cancelled during it', async () => {
    const running = reconnection();
    await vi.advanceTimersByTimeAsync(100);
    running.cancel();
    expect(await running.ended).toEqual({ kind: 'cancelled' });
    expect(attempts.started.map((attempt) => attempt.cancelled)).toEqual([true]);
  });
});
