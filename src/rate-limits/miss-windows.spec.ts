import { describe, expect, it } from 'vitest';
import { LIMIT_WINDOW_MS } from './limit-window.js';
import { MissWindows } from './miss-windows.js';

const T0 = 1_000_000;

describe('MissWindows', () => {
  it('reaches the limit with counts in flight, and opens again when they are taken back', () => {
    const windows = new MissWindows();
    const takeBacks = [windows.count('a', T0), windows.count('a', T0)];
    expect(windows.retryAfterSeconds('a', 2, T0)).toBe(LIMIT_WINDOW_MS / 1_000);
    takeBacks[0]();
    takeBacks[0](); // only once
    expect(windows.retryAfterSeconds('a', 2, T0)).toBeUndefined();
    expect(windows.size).toBe(1);
    takeBacks[1]();
    expect(windows.size).toBe(0);
  });

  it('does not let a late take-back reach into the window that followed', () => {
    const windows = new MissWindows();
    const late = windows.count('a', T0);
    windows.count('a', T0 + LIMIT_WINDOW_MS);
    late();
    expect(windows.retryAfterSeconds('a', 1, T0 + LIMIT_WINDOW_MS)).toBe(60);
  });

  it('keeps a key refused while others come and go', () => {
    const windows = new MissWindows();
    windows.count('a', T0);
    windows.count('b', T0 + 30_000);
    expect(windows.retryAfterSeconds('b', 1, T0 + 61_000)).toBe(29);
    expect(windows.retryAfterSeconds('a', 1, T0 + 61_000)).toBeUndefined();
    expect(windows.size).toBe(1);
  });
});
