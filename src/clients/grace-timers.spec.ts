import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GraceTimers } from './grace-timers.js';

describe('GraceTimers', () => {
  let away: GraceTimers;

  beforeEach(() => {
    vi.useFakeTimers();
    away = new GraceTimers();
  });
  afterEach(() => {
    away.onApplicationShutdown();
    vi.useRealTimers();
  });

  it("fires a client's expiry once, at the end of its grace, and forgets it", () => {
    const expired: string[] = [];
    away.arm('c1', Date.now() + 1_000, () => expired.push('c1'));
    expect(away.size).toBe(1);

    vi.advanceTimersByTime(999);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(['c1']);
    expect(away.has('c1')).toBe(false);
    vi.advanceTimersByTime(10_000);
    expect(expired).toEqual(['c1']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fires nothing for a client cancelled before its grace ends (it resumed)', () => {
    const expired: string[] = [];
    away.arm('c1', Date.now() + 1_000, () => expired.push('c1'));

    expect(away.cancel('c1')).toBe(true);
    expect(away.cancel('c1')).toBe(false);
    vi.advanceTimersByTime(5_000);
    expect(expired).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps one timer per client: arming again replaces the earlier one', () => {
    const expired: string[] = [];
    away.arm('c1', Date.now() + 1_000, () => expired.push('first'));
    away.arm('c1', Date.now() + 3_000, () => expired.push('second'));

    vi.advanceTimersByTime(2_000);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1_000);
    expect(expired).toEqual(['second']);
  });

  it('fires at once for a grace already over', () => {
    const expired: string[] = [];
    away.arm('c1', Date.now() - 5, () => expired.push('c1'));
    vi.advanceTimersByTime(0);
    expect(expired).toEqual(['c1']);
  });

  it('at shutdown, stops every timer and names the clients still away', () => {
    const expired: string[] = [];
    away.arm('c1', Date.now() + 1_000, () => expired.push('c1'));
    away.arm('c2', Date.now() + 2_000, () => expired.push('c2'));

    expect(away.cancelAll().sort()).toEqual(['c1', 'c2']);
    expect(away.size).toBe(0);
    vi.advanceTimersByTime(5_000);
    expect(expired).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
