import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff-schedule.js';
import { DEFAULT_RECONNECT_SETTINGS, reconnectSettingsOf } from './reconnect-options.js';

const schedule = { initialDelayMs: 250, maxDelayMs: 4_000 };
const delays = (random: () => number, count = 8) =>
  Array.from({ length: count }, (_, attempt) => backoffDelayMs(attempt, schedule, random));

describe('reconnection backoff', () => {
  it('waits exactly initialDelayMs before the first attempt, whatever the draw', () => {
    expect(backoffDelayMs(0, schedule, () => 0)).toBe(250);
    expect(backoffDelayMs(0, schedule, () => 0.999)).toBe(250);
  });

  it('then doubles the window up to maxDelayMs, drawing from its upper half', () => {
    expect(delays(() => 0)).toEqual([250, 250, 500, 1_000, 2_000, 2_000, 2_000, 2_000]);
    expect(delays(() => 1)).toEqual([250, 500, 1_000, 2_000, 4_000, 4_000, 4_000, 4_000]);
  });

  it('spreads clients that drop together', () => {
    const draws = [0.1, 0.6, 0.9];
    const third = draws.map((draw) => backoffDelayMs(3, schedule, () => draw));
    expect(new Set(third).size).toBe(3);
    for (const delay of third) expect(delay).toBeGreaterThanOrEqual(1_000);
  });

  it('never goes past maxDelayMs nor below initialDelayMs, however many attempts', () => {
    for (const attempt of [10, 100, 10_000]) {
      const delay = backoffDelayMs(attempt, schedule, Math.random);
      expect(delay).toBeGreaterThanOrEqual(2_000);
      expect(delay).toBeLessThanOrEqual(4_000);
    }
    const tight = { initialDelayMs: 300, maxDelayMs: 400 };
    expect(backoffDelayMs(5, tight, () => 0)).toBe(300);
    expect(backoffDelayMs(5, tight, () => 1)).toBe(400);
  });
});

describe('reconnect options', () => {
  it('are off unless asked for; true takes every default', () => {
    expect(reconnectSettingsOf(undefined)).toBeUndefined();
    expect(reconnectSettingsOf(false)).toBeUndefined();
    expect(reconnectSettingsOf(true)).toEqual({
      withinMs: 15_000,
      initialDelayMs: 250,
      maxDelayMs: 4_000,
      resumeTimeoutMs: 5_000,
    });
    expect(reconnectSettingsOf({})).toEqual(DEFAULT_RECONNECT_SETTINGS);
  });

  it('fill in what is not given, and raise the cap to a longer initial delay', () => {
    expect(reconnectSettingsOf({ withinMs: 3_000, initialDelayMs: undefined })).toEqual({
      ...DEFAULT_RECONNECT_SETTINGS,
      withinMs: 3_000,
    });
    expect(reconnectSettingsOf({ initialDelayMs: 5_000 })?.maxDelayMs).toBe(5_000);
  });

  it('refuse nonsense with a RangeError naming the option', () => {
    expect(() => reconnectSettingsOf({ withinMs: -1 })).toThrow(/reconnect\.withinMs/);
    expect(() => reconnectSettingsOf({ maxDelayMs: Number.NaN })).toThrow(/maxDelayMs/);
    expect(() => reconnectSettingsOf({ resumeTimeoutMs: 0 })).toThrow(/resumeTimeoutMs/);
    expect(() => reconnectSettingsOf({ initialDelayMs: 500, maxDelayMs: 100 })).toThrow(RangeError);
  });
});
