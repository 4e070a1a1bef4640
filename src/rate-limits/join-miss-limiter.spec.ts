import { describe, expect, it } from 'vitest';
import { buildConfig } from '../config/settings.js';
import { JoinMissLimiter } from './join-miss-limiter.js';
import { LIMIT_WINDOW_MS } from './limit-window.js';

const limiterWith = (joinMissLimit: number) => new JoinMissLimiter(buildConfig({ joinMissLimit }));

/** Records `count` misses for `address` at `now`. */
function miss(limiter: JoinMissLimiter, address: string, count: number, now: number): void {
  for (let i = 0; i < count; i++) limiter.recordMiss(address, now);
}

describe('JoinMissLimiter', () => {
  const T0 = 1_000_000;

  it('lets an address join until it has made joinMissLimit misses, then refuses it', () => {
    const limiter = limiterWith(3);
    miss(limiter, '10.0.0.1', 2, T0);
    expect(limiter.retryAfterSeconds('10.0.0.1', T0)).toBeUndefined();
    miss(limiter, '10.0.0.1', 1, T0);
    expect(limiter.retryAfterSeconds('10.0.0.1', T0)).toBe(LIMIT_WINDOW_MS / 1_000);
  });

  it('refuses until the window that opened with the first miss ends, then starts afresh', () => {
    const limiter = limiterWith(2);
    limiter.recordMiss('10.0.0.1', T0);
    limiter.recordMiss('10.0.0.1', T0 + 10_000);
    expect(limiter.retryAfterSeconds('10.0.0.1', T0 + 10_000)).toBe(50);
    expect(limiter.retryAfterSeconds('10.0.0.1', T0 + 59_001)).toBe(1);
    expect(limiter.retryAfterSeconds('10.0.0.1', T0 + LIMIT_WINDOW_MS)).toBeUndefined();
    // A fresh window: one miss is not enough to be refused again.
    limiter.recordMiss('10.0.0.1', T0 + LIMIT_WINDOW_MS);
    expect(limiter.retryAfterSeconds('10.0.0.1', T0 + LIMIT_WINDOW_MS)).toBeUndefined();
  });

  it('never answers a Retry-After below one second while refusing', () => {
    const limiter = limiterWith(1);
    limiter.recordMiss('10.0.0.1', T0);
    expect(limiter.retryAfterSeconds('10.0.0.1', T0 + LIMIT_WINDOW_MS - 1)).toBe(1);
  });

  it('counts each address on its own', () => {
    const limiter = limiterWith(1);
    limiter.recordMiss('10.0.0.1', T0);
    expect(limiter.retryAfterSeconds('10.0.0.1', T0)).toBeGreaterThan(0);
    expect(limiter.retryAfterSeconds('10.0.0.2', T0)).toBeUndefined();
  });

  it('counts nothing with a limit of 0', () => {
    const limiter = limiterWith(0);
    miss(limiter, '10.0.0.1', 1_000, T0);
    expect(limiter.retryAfterSeconds('10.0.0.1', T0)).toBeUndefined();
    expect(limiter.trackedAddresses).toBe(0);
  });

  it('forgets the windows that ended, so many addresses cannot grow its memory for ever', () => {
    const limiter = limiterWith(5);
    for (let i = 0; i < 10_000; i++) limiter.recordMiss(`10.0.${i >> 8}.${i & 255}`, T0 + i);
    expect(limiter.trackedAddresses).toBe(10_000);
    // Halfway through the later windows: only those still open are kept.
    limiter.retryAfterSeconds('192.0.2.1', T0 + LIMIT_WINDOW_MS + 5_000);
    expect(limiter.trackedAddresses).toBe(10_000 - 5_001);
    limiter.recordMiss('192.0.2.1', T0 + 2 * LIMIT_WINDOW_MS);
    expect(limiter.trackedAddresses).toBe(1);
  });

  it('keeps an address refused while others come and go', () => {
    const limiter = limiterWith(1);
    limiter.recordMiss('10.0.0.1', T0);
    limiter.recordMiss('10.0.0.2', T0 + 30_000);
    expect(limiter.retryAfterSeconds('10.0.0.2', T0 + 61_000)).toBe(29);
    expect(limiter.retryAfterSeconds('10.0.0.1', T0 + 61_000)).toBeUndefined();
    expect(limiter.trackedAddresses).toBe(1);
  });
});
