import { describe, expect, it } from 'vitest';
import { RelayPortPool } from './relay-port-pool.js';

describe('RelayPortPool', () => {
  it('hands out every port of the range once, then none', () => {
    const pool = new RelayPortPool({ first: 40_000, last: 40_002 });
    expect([pool.take(), pool.take(), pool.take(), pool.take()]).toEqual([
      40_000,
      40_001,
      40_002,
      undefined,
    ]);
    expect(pool.inUse).toBe(3);
  });

  it('reuses a port given back only after the ports freed before it', () => {
    const pool = new RelayPortPool({ first: 1, last: 3 });
    const first = pool.take()!;
    pool.give(first);
    expect(pool.take()).toBe(2);
    expect(pool.take()).toBe(3);
    expect(pool.take()).toBe(first);
  });

  it('ignores a port given back twice or never taken', () => {
    const pool = new RelayPortPool({ first: 1, last: 2 });
    const port = pool.take()!;
    pool.give(port);
    pool.give(port);
    pool.give(99);
    expect(pool.available).toBe(2);
    expect(pool.inUse).toBe(0);
  });
});
