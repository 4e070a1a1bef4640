import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PhaseTimers } from './phase-timers.js';

describe('PhaseTimers', () => {
  let timers: PhaseTimers;

  beforeEach(() => {
    vi.useFakeTimers();
    timers = new PhaseTimers();
  });

  afterEach(() => {
    timers.clearAll();
    vi.useRealTimers();
  });

  it('fires the timeout once, when it is due', () => {
    const onTimeout = vi.fn();
    timers.arm('L1', 'connecting', { timeoutMs: 1000, onTimeout });

    vi.advanceTimersByTime(999);
    expect(onTimeout).not.toHaveBeenCalled();

    vi.advanceTimersByTime(1);
    expect(onTimeout).toHaveBeenCalledTimes(1);

    vi.advanceTimersByTime(10_000);
    expect(onTimeout).toHaveBeenCalledTimes(1);
  });

  it('ticks the interval every period until the phase is cleared', () => {
    const onTick = vi.fn();
    timers.arm('L1', 'collecting', {
      timeoutMs: 10_000,
      onTimeout: vi.fn(),
      intervalMs: 100,
      onTick,
    });

    vi.advanceTimersByTime(350);
    expect(onTick).toHaveBeenCalledTimes(3);

    timers.clear('L1');
    vi.advanceTimersByTime(1000);
    expect(onTick).toHaveBeenCalledTimes(3);
  });

  it("clears the previous phase's timers when the lobby is armed again", () => {
    const collectTimeout = vi.fn();
    const collectTick = vi.fn();
    timers.arm('L1', 'collecting', {
      timeoutMs: 1000,
      onTimeout: collectTimeout,
      intervalMs: 100,
      onTick: collectTick,
    });
    const connectTimeout = vi.fn();

    timers.arm('L1', 'connecting', { timeoutMs: 5000, onTimeout: connectTimeout });

    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(5000);
    expect(collectTimeout).not.toHaveBeenCalled();
    expect(collectTick).not.toHaveBeenCalled();
    expect(connectTimeout).toHaveBeenCalledTimes(1);
  });

  it('reports the armed phase per lobby, and none once cleared', () => {
    expect(timers.phaseOf('L1')).toBeUndefined();

    timers.arm('L1', 'collecting', { timeoutMs: 1000, onTimeout: vi.fn() });
    timers.arm('L2', 'connecting', { timeoutMs: 1000, onTimeout: vi.fn() });
    expect(timers.phaseOf('L1')).toBe('collecting');
    expect(timers.phaseOf('L2')).toBe('connecting');

    timers.arm('L1', 'connecting', { timeoutMs: 1000, onTimeout: vi.fn() });
    expect(timers.phaseOf('L1')).toBe('connecting');

    timers.clear('L1');
    expect(timers.phaseOf('L1')).toBeUndefined();
    expect(timers.phaseOf('L2')).toBe('connecting');
  });

  it("clear stops only that lobby's timers and size tracks armed lobbies", () => {
    const l1 = vi.fn();
    const l2 = vi.fn();
    timers.arm('L1', 'collecting', { timeoutMs: 1000, onTimeout: l1, intervalMs: 10, onTick: l1 });
    timers.arm('L2', 'connecting', { timeoutMs: 1000, onTimeout: l2 });
    expect(timers.size).toBe(2);
    expect(vi.getTimerCount()).toBe(3);

    timers.clear('L1');

    expect(timers.size).toBe(1);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(l1).not.toHaveBeenCalled();
    expect(l2).toHaveBeenCalledTimes(1);
  });

  it('clearAll stops every timer of every lobby', () => {
    const fired = vi.fn();
    for (const lobbyId of ['L1', 'L2', 'L3']) {
      timers.arm(lobbyId, 'collecting', {
        timeoutMs: 1000,
        onTimeout: fired,
        intervalMs: 10,
        onTick: fired,
      });
    }
    expect(timers.size).toBe(3);

    timers.clearAll();

    expect(timers.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10_000);
    expect(fired).not.toHaveBeenCalled();
  });

  it('clearing a lobby without timers is harmless', () => {
    expect(() => timers.clear('nothing-armed')).not.toThrow();
    expect(timers.size).toBe(0);
  });
});
