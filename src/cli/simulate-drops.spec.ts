import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OrionClient } from '@orion/sdk';
import { ConnectionDrops } from './simulate-drops.js';

/** A client that records its cuts and can say it is back. */
function fakeClient() {
  const events = new EventEmitter();
  const client = {
    cuts: 0,
    on: (event: string, listener: () => void) => events.on(event, listener),
    dropConnection: () => client.cuts++,
    comeBack: () => events.emit('back', {}),
  };
  return client;
}

/** Draws that repeat `values`. */
const draws = (...values: number[]) => {
  let at = 0;
  return () => values[at++ % values.length];
};

describe('ConnectionDrops (orion simulate --dropRate)', () => {
  afterEach(() => vi.useRealTimers());

  it('cuts the drawn clients once, at the drawn moment, and counts cuts and resumes', () => {
    vi.useFakeTimers();
    // Client 1: cut (0.1 < 0.5) at 0.5 x 1000 ms; client 2: spared (0.9).
    const drops = new ConnectionDrops({ rate: 0.5, withinMs: 1_000, random: draws(0.1, 0.5, 0.9) });
    const [first, second] = [fakeClient(), fakeClient()];
    drops.schedule(first as unknown as OrionClient);
    drops.schedule(second as unknown as OrionClient);
    vi.advanceTimersByTime(499);
    expect(first.cuts).toBe(0);
    vi.advanceTimersByTime(1);
    expect([first.cuts, second.cuts]).toEqual([1, 0]);
    vi.advanceTimersByTime(10_000);
    expect(first.cuts).toBe(1);
    first.comeBack();
    expect(drops.counts).toEqual({ dropped: 1, resumed: 1 });
  });

  it('cuts nothing once cancelled, and nothing at all at rate 0', () => {
    vi.useFakeTimers();
    const drops = new ConnectionDrops({ rate: 1, withinMs: 100, random: draws(0, 0.5) });
    const client = fakeClient();
    const cancel = drops.schedule(client as unknown as OrionClient);
    cancel();
    vi.advanceTimersByTime(1_000);
    expect(client.cuts).toBe(0);

    const none = new ConnectionDrops({ rate: 0, withinMs: 100 });
    expect(none.active).toBe(false);
    none.schedule(client as unknown as OrionClient);
    vi.advanceTimersByTime(1_000);
    expect(client.cuts).toBe(0);
  });
});
