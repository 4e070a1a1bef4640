import { afterEach, describe, expect, it, vi } from 'vitest';
import { retryWhileUnavailable } from './retry-while-unavailable.js';
import { StoreUnavailable } from './store-unavailable.js';

describe('retryWhileUnavailable', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('tries again after the delay while the store is unavailable, until the work succeeds', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const retries: number[] = [];
    const result = retryWhileUnavailable(
      async () => {
        calls++;
        if (calls < 3) throw new StoreUnavailable(new Error('Command timed out'));
        return 'done';
      },
      { attempts: 5, delayMs: 100, onRetry: () => retries.push(calls) },
    );
    await vi.advanceTimersByTimeAsync(99);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(100);
    expect(await result).toBe('done');
    expect(calls).toBe(3);
    expect(retries).toEqual([1, 2]);
  });

  it('gives up with the last error after the allowed attempts', async () => {
    let calls = 0;
    const work = async () => {
      calls++;
      throw new StoreUnavailable(new Error('Command timed out'));
    };
    await expect(retryWhileUnavailable(work, { attempts: 3, delayMs: 1 })).rejects.toBeInstanceOf(
      StoreUnavailable,
    );
    expect(calls).toBe(3);
  });

  it('does not retry any other error', async () => {
    let calls = 0;
    const work = async () => {
      calls++;
      throw new Error('The lobby does not exist.');
    };
    await expect(retryWhileUnavailable(work, { attempts: 3, delayMs: 1 })).rejects.toThrow(
      'The lobby does not exist.',
    );
    expect(calls).toBe(1);
  });
});
