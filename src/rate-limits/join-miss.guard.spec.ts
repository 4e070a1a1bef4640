import { EventEmitter } from 'node:events';
import { HttpException, type ExecutionContext } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { recordAnsweredError } from '../common/answered-error.js';
import { Errors, OrionError } from '../common/orion-error.js';
import type { OrionSettings } from '../config/orion-config.js';
import { buildConfig } from '../config/settings.js';
import { JoinMissGuard } from './join-miss.guard.js';
import { JoinMissLimiter } from './join-miss-limiter.js';

function setUp(settings: Partial<OrionSettings>) {
  const config = buildConfig({ joinMissLimit: 0, joinMissLimitPerIp: 0, ...settings });
  const limiter = new JoinMissLimiter(config);
  const guard = new JoinMissGuard(limiter, config);
  let handled = 0;

  /**
   * One join by `token` from `from`, as the route runs it: the guard, then the handler with
   * its outcome (a value, or an error answered as the HTTP filter answers it), then the
   * response ends (`finish`), or the client leaves first (`close` only).
   */
  function join(
    outcome: { ok: unknown } | { error: unknown },
    {
      token = 'token-1',
      from = '10.0.0.1',
      clientLeft = false,
    }: { token?: unknown; from?: string; clientLeft?: boolean } = {},
  ) {
    const headers: Record<string, string> = {};
    const response = Object.assign(new EventEmitter(), {
      setHeader: (name: string, value: string) => (headers[name] = value),
    });
    const context = {
      switchToHttp: () => ({
        getRequest: () => ({ headers: {}, socket: { remoteAddress: from }, body: { token } }),
        getResponse: () => response,
      }),
    } as unknown as ExecutionContext;
    try {
      expect(guard.canActivate(context)).toBe(true);
    } catch (error) {
      return { error, headers };
    }
    handled++;
    if ('error' in outcome && outcome.error instanceof OrionError)
      recordAnsweredError(response, outcome.error.code);
    if (!clientLeft) response.emit('finish');
    response.emit('close');
    return 'ok' in outcome ? { value: outcome.ok, headers } : { error: outcome.error, headers };
  }

  return { limiter, join, handledCount: () => handled };
}

const miss = { error: Errors.lobbyNotFound() };

describe('JoinMissGuard', () => {
  it('passes successful joins through without counting them', () => {
    const { join, limiter } = setUp({ joinMissLimit: 1, joinMissLimitPerIp: 1 });
    for (let i = 0; i < 5; i++)
      expect(join({ ok: { lobbyId: 'K3X9Q' } }).value).toEqual({ lobbyId: 'K3X9Q' });
    expect(limiter.trackedClients + limiter.trackedAddresses).toBe(0);
  });

  it('keeps only answers of "lobby not found" and of a refused password counted', () => {
    const { join, limiter } = setUp({ joinMissLimit: 1, joinMissLimitPerIp: 1 });
    const others = [
      Errors.lobbyFull(),
      Errors.lobbyLocked(),
      Errors.nameTaken(),
      Errors.alreadyInLobby(),
      Errors.clientUnregistered(),
      new HttpException({ errors: ['peerName must be a string.'] }, 400),
      new Error('The lobby does not exist.'),
    ];
    for (const error of others) expect(join({ error }).error).toBe(error);
    expect(limiter.trackedClients + limiter.trackedAddresses).toBe(0);
    expect(join(miss).error).toBe(miss.error);
    expect([limiter.trackedClients, limiter.trackedAddresses]).toEqual([1, 1]);
  });

  it('counts a missing or wrong lobby password as a miss, toward the same limit', () => {
    const { join, handledCount } = setUp({ joinMissLimit: 3 });
    join({ error: Errors.passwordRequired() });
    join({ error: Errors.wrongPassword() });
    join(miss);
    expect(handledCount()).toBe(3);
    const refused = join({ ok: 'the right password, too late' });
    expect(handledCount()).toBe(3);
    expect((refused.error as HttpException).getStatus()).toBe(429);
  });

  it('refuses a client that used up its misses with 429, {errors} and Retry-After, without running the join', () => {
    const { join, handledCount } = setUp({ joinMissLimit: 2 });
    join(miss);
    join(miss);
    expect(handledCount()).toBe(2);
    const refused = join({ ok: 'would have joined' });
    expect(handledCount()).toBe(2);
    expect(refused.error).toBeInstanceOf(HttpException);
    const exception = refused.error as HttpException;
    expect(exception.getStatus()).toBe(429);
    expect(exception.getResponse()).toEqual({
      errors: [
        'Too many requests for lobbies that do not exist from this client. Try again in 60 seconds.',
      ],
    });
    expect(refused.headers).toEqual({ 'Retry-After': '60' });
    // Another client at the same address is not affected.
    expect(join({ ok: 'joined' }, { token: 'token-2' }).value).toBe('joined');
  });

  it('refuses every client of an address that used up its misses, saying so', () => {
    const { join } = setUp({ joinMissLimit: 5, joinMissLimitPerIp: 2 });
    join(miss, { token: 'socket-1' });
    join(miss, { token: 'socket-2' });
    const refused = join({ ok: 'would have joined' }, { token: 'socket-3' });
    expect((refused.error as HttpException).getResponse()).toEqual({
      errors: [
        'Too many requests for lobbies that do not exist from your address. Try again in 60 seconds.',
      ],
    });
    expect(join({ ok: 'joined' }, { from: '10.0.0.2' }).value).toBe('joined');
  });

  it('counts a body without a string token only against the address', () => {
    const { join, limiter } = setUp({ joinMissLimit: 1, joinMissLimitPerIp: 9 });
    for (const token of [42, null, ['token-1']]) join(miss, { token });
    expect([limiter.trackedClients, limiter.trackedAddresses]).toEqual([0, 1]);
  });

  it('counts a miss whose client left after the answer, and not a request left unanswered', () => {
    const { join, limiter } = setUp({ joinMissLimit: 1, joinMissLimitPerIp: 1 });
    join({ error: Errors.lobbyNotFound() }, { clientLeft: true, token: 'a', from: '10.0.0.7' });
    expect([limiter.trackedClients, limiter.trackedAddresses]).toEqual([1, 1]);
    join({ ok: undefined }, { clientLeft: true, token: 'b', from: '10.0.0.8' });
    expect([limiter.trackedClients, limiter.trackedAddresses]).toEqual([1, 1]);
  });

  it('never refuses with both limits at 0', () => {
    const { join } = setUp({});
    for (let i = 0; i < 20; i++) expect(join(miss).error).toBe(miss.error);
    expect(join({ ok: 'joined' }).value).toBe('joined');
  });
});
