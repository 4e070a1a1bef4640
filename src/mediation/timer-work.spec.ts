import { Logger } from '@nestjs/common';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StoreUnavailable } from '../common/store-unavailable.js';
import { TIMEOUT_ATTEMPTS, TIMEOUT_RETRY_MS, TimerWork } from './timer-work.js';

const unavailable = () => new StoreUnavailable(new Error('Command timed out'));

describe('TimerWork', () => {
  let skipped: string[];
  let work: TimerWork;

  beforeEach(() => {
    vi.useFakeTimers();
    skipped = [];
    const quiet = new Logger('test');
    vi.spyOn(quiet, 'debug').mockImplementation(() => undefined);
    vi.spyOn(quiet, 'error').mockImplementation(() => undefined);
    work = new TimerWork(quiet, (lobbyId) => skipped.push(lobbyId));
  });

  afterEach(() => {
    work.stop();
    vi.useRealTimers();
  });

  it('skips a reminder while the last one for that lobby still waits on the store', async () => {
    let release: () => void = () => undefined;
    let runs = 0;
    const stalled = () => {
      runs++;
      return new Promise<void>((resolve) => (release = resolve));
    };
    work.tick('ABCDE', stalled);
    work.tick('ABCDE', stalled);
    work.tick('ABCDE', stalled);
    // Another lobby's reminder is not held back.
    work.tick('FGHIJ', async () => undefined);
    expect(runs).toBe(1);
    expect(skipped).toEqual(['ABCDE', 'ABCDE']);

    release();
    await vi.advanceTimersByTimeAsync(0);
    work.tick('ABCDE', stalled);
    expect(runs).toBe(2);
  });

  it('counts a reminder the store could not serve, and never throws', async () => {
    work.tick('ABCDE', async () => {
      throw unavailable();
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(skipped).toEqual(['ABCDE']);
  });

  it('tries a timeout again while the store is unavailable, until it goes through', async () => {
    let calls = 0;
    work.timeout('ABCDE', async () => {
      calls++;
      if (calls < 3) throw unavailable();
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(TIMEOUT_RETRY_MS);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(TIMEOUT_RETRY_MS);
    expect(calls).toBe(3);
    await vi.advanceTimersByTimeAsync(10 * TIMEOUT_RETRY_MS);
    expect(calls).toBe(3);
  });

  it('gives a timeout up after the allowed attempts', async () => {
    let calls = 0;
    work.timeout('ABCDE', async () => {
      calls++;
      throw unavailable();
    });
    await vi.advanceTimersByTimeAsync(100 * TIMEOUT_RETRY_MS);
    expect(calls).toBe(TIMEOUT_ATTEMPTS);
  });

  it('does not retry a timeout that failed for another reason', async () => {
    let calls = 0;
    work.timeout('ABCDE', async () => {
      calls++;
      throw new Error('bug');
    });
    await vi.advanceTimersByTimeAsync(10 * TIMEOUT_RETRY_MS);
    expect(calls).toBe(1);
  });

  it('runs no retry once stopped', async () => {
    let calls = 0;
    work.timeout('ABCDE', async () => {
      calls++;
      throw unavailable();
    });
    await vi.advanceTimersByTimeAsync(0);
    work.stop();
    await vi.advanceTimersByTimeAsync(10 * TIMEOUT_RETRY_MS);
    expect(calls).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
