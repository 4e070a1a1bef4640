import { describe, expect, it } from 'vitest';
import type { OrionSettings } from '../config/orion-config.js';
import { buildConfig } from '../config/settings.js';
import { JoinMissLimiter, type MissVerdict } from './join-miss-limiter.js';
import { LIMIT_WINDOW_MS } from './limit-window.js';

const limiterWith = (settings: Partial<OrionSettings>) =>
  new JoinMissLimiter(buildConfig({ joinMissLimit: 0, joinMissLimitPerIp: 0, ...settings }));

const T0 = 1_000_000;
const HOME = '10.0.0.1';

/** `count` requests from `client` at `address` that all turn out to be misses. */
function miss(limiter: JoinMissLimiter, client: string, count: number, now = T0, address = HOME) {
  for (let i = 0; i < count; i++) {
    const verdict = limiter.admit(client, address, now);
    if (!verdict.admitted) throw new Error(`miss ${i + 1} of ${client} was refused`);
    verdict.settle(true);
  }
}

function refusal(verdict: MissVerdict) {
  return verdict.admitted ? undefined : { scope: verdict.scope, after: verdict.retryAfterSeconds };
}

describe('JoinMissLimiter', () => {
  describe('per client (joinMissLimit)', () => {
    it('lets a client make joinMissLimit misses, then refuses it for the rest of the minute', () => {
      const limiter = limiterWith({ joinMissLimit: 3 });
      miss(limiter, 'typist', 3);
      expect(refusal(limiter.admit('typist', HOME, T0))).toEqual({ scope: 'client', after: 60 });
    });

    it('does not refuse another client at the same address', () => {
      const limiter = limiterWith({ joinMissLimit: 3 });
      miss(limiter, 'typist', 3);
      expect(limiter.admit('friend', HOME, T0).admitted).toBe(true);
    });

    it('refuses until the window that opened with the first miss ends, then starts afresh', () => {
      const limiter = limiterWith({ joinMissLimit: 2 });
      miss(limiter, 'typist', 1, T0);
      miss(limiter, 'typist', 1, T0 + 10_000);
      expect(refusal(limiter.admit('typist', HOME, T0 + 10_000))?.after).toBe(50);
      expect(refusal(limiter.admit('typist', HOME, T0 + 59_001))?.after).toBe(1);
      expect(limiter.admit('typist', HOME, T0 + LIMIT_WINDOW_MS).admitted).toBe(true);
    });

    it('counts nothing for a request that names no token: it cannot reach a lobby lookup', () => {
      const limiter = limiterWith({ joinMissLimit: 1 });
      for (let i = 0; i < 5; i++) expect(limiter.admit(undefined, HOME, T0).admitted).toBe(true);
      expect(limiter.trackedClients).toBe(0);
    });
  });

  describe('per address (joinMissLimitPerIp)', () => {
    it('refuses every client of an address whose clients together made joinMissLimitPerIp misses', () => {
      const limiter = limiterWith({ joinMissLimit: 2, joinMissLimitPerIp: 5 });
      miss(limiter, 'socket-1', 2);
      miss(limiter, 'socket-2', 2);
      miss(limiter, 'socket-3', 1);
      expect(refusal(limiter.admit('socket-4', HOME, T0))).toEqual({ scope: 'address', after: 60 });
      expect(refusal(limiter.admit('socket-3', HOME, T0))?.scope).toBe('address');
      expect(limiter.admit('socket-5', '10.0.0.2', T0).admitted).toBe(true);
    });

    it('holds however many requests are sent at once: each counts from the moment it is let through', () => {
      const limiter = limiterWith({ joinMissLimit: 1, joinMissLimitPerIp: 4 });
      const verdicts = Array.from({ length: 256 }, (_, i) =>
        limiter.admit(`socket-${i}`, HOME, T0),
      );
      expect(verdicts.filter((verdict) => verdict.admitted)).toHaveLength(4);
    });

    it('takes back a request that was not a miss, so valid joins never use up the bound', () => {
      const limiter = limiterWith({ joinMissLimit: 1, joinMissLimitPerIp: 2 });
      for (let i = 0; i < 50; i++) {
        const verdict = limiter.admit(`player-${i}`, HOME, T0);
        if (!verdict.admitted) expect.fail(`join ${i} was refused`);
        verdict.settle(false);
        verdict.settle(true); // a second settle changes nothing
      }
      expect(limiter.trackedAddresses).toBe(0);
      expect(limiter.trackedClients).toBe(0);
      miss(limiter, 'typist', 1);
      expect(limiter.admit('friend', HOME, T0).admitted).toBe(true);
    });
  });

  it('counts nothing with both limits at 0', () => {
    const limiter = limiterWith({});
    miss(limiter, 'guesser', 1_000);
    expect(limiter.admit('guesser', HOME, T0).admitted).toBe(true);
    expect(limiter.trackedClients + limiter.trackedAddresses).toBe(0);
  });

  it('never answers a Retry-After below one second while refusing', () => {
    const limiter = limiterWith({ joinMissLimit: 1 });
    miss(limiter, 'typist', 1);
    expect(refusal(limiter.admit('typist', HOME, T0 + LIMIT_WINDOW_MS - 1))?.after).toBe(1);
  });

  it('forgets the windows that ended, so many clients cannot grow its memory for ever', () => {
    const limiter = limiterWith({ joinMissLimit: 5, joinMissLimitPerIp: 5 });
    for (let i = 0; i < 10_000; i++) miss(limiter, `c${i}`, 1, T0 + i, `10.0.${i >> 8}.${i & 255}`);
    expect(limiter.trackedClients).toBe(10_000);
    expect(limiter.trackedAddresses).toBe(10_000);
    // Halfway through the later windows: only those still open are kept.
    const probe = limiter.admit('late', '192.0.2.1', T0 + LIMIT_WINDOW_MS + 5_000);
    if (probe.admitted) probe.settle(false);
    expect(limiter.trackedClients).toBe(10_000 - 5_001);
    expect(limiter.trackedAddresses).toBe(10_000 - 5_001);
    miss(limiter, 'later', 1, T0 + 2 * LIMIT_WINDOW_MS, '192.0.2.2');
    expect(limiter.trackedClients).toBe(1);
    expect(limiter.trackedAddresses).toBe(1);
  });
});
