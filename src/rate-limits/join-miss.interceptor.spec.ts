import { HttpException, type CallHandler, type ExecutionContext } from '@nestjs/common';
import { lastValueFrom, of, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Errors } from '../common/orion-error.js';
import type { OrionSettings } from '../config/orion-config.js';
import { buildConfig } from '../config/settings.js';
import { JoinMissInterceptor } from './join-miss.interceptor.js';
import { JoinMissLimiter } from './join-miss-limiter.js';

function setUp(settings: Partial<OrionSettings>) {
  const config = buildConfig({ joinMissLimit: 0, joinMissLimitPerIp: 0, ...settings });
  const limiter = new JoinMissLimiter(config);
  const interceptor = new JoinMissInterceptor(limiter, config);
  let handled = 0;

  /** One join by `token` from `from`; the handler's outcome is a value or an error thrown. */
  async function join(
    outcome: { ok: unknown } | { error: unknown },
    { token = 'token-1', from = '10.0.0.1' }: { token?: unknown; from?: string } = {},
  ) {
    const headers: Record<string, string> = {};
    const response = { setHeader: (name: string, value: string) => (headers[name] = value) };
    const context = {
      switchToHttp: () => ({
        getRequest: () => ({ headers: {}, socket: { remoteAddress: from }, body: { token } }),
        getResponse: () => response,
      }),
    } as unknown as ExecutionContext;
    const next: CallHandler = {
      handle: () => {
        handled++;
        return 'ok' in outcome ? of(outcome.ok) : throwError(() => outcome.error);
      },
    };
    try {
      return { value: await lastValueFrom(interceptor.intercept(context, next)), headers };
    } catch (error) {
      return { error, headers };
    }
  }

  return { limiter, join, handledCount: () => handled };
}

const miss = { error: Errors.lobbyNotFound() };

describe('JoinMissInterceptor', () => {
  it('passes successful joins through without counting them', async () => {
    const { join, limiter } = setUp({ joinMissLimit: 1, joinMissLimitPerIp: 1 });
    for (let i = 0; i < 5; i++)
      expect((await join({ ok: { lobbyId: 'K3X9Q' } })).value).toEqual({ lobbyId: 'K3X9Q' });
    expect(limiter.trackedClients + limiter.trackedAddresses).toBe(0);
  });

  it('rethrows every error unchanged and counts only "lobby not found"', async () => {
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
    for (const error of others) expect((await join({ error })).error).toBe(error);
    expect(limiter.trackedClients + limiter.trackedAddresses).toBe(0);
    expect((await join(miss)).error).toBe(miss.error);
    expect([limiter.trackedClients, limiter.trackedAddresses]).toEqual([1, 1]);
  });

  it('refuses a client that used up its misses with 429, {errors} and Retry-After, without running the join', async () => {
    const { join, handledCount } = setUp({ joinMissLimit: 2 });
    await join(miss);
    await join(miss);
    expect(handledCount()).toBe(2);
    const refused = await join({ ok: 'would have joined' });
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
    expect((await join({ ok: 'joined' }, { token: 'token-2' })).value).toBe('joined');
  });

  it('refuses every client of an address that used up its misses, saying so', async () => {
    const { join } = setUp({ joinMissLimit: 5, joinMissLimitPerIp: 2 });
    await join(miss, { token: 'socket-1' });
    await join(miss, { token: 'socket-2' });
    const refused = await join({ ok: 'would have joined' }, { token: 'socket-3' });
    expect((refused.error as HttpException).getResponse()).toEqual({
      errors: [
        'Too many requests for lobbies that do not exist from your address. Try again in 60 seconds.',
      ],
    });
    expect((await join({ ok: 'joined' }, { from: '10.0.0.2' })).value).toBe('joined');
  });

  it('counts a body without a string token only against the address', async () => {
    const { join, limiter } = setUp({ joinMissLimit: 1, joinMissLimitPerIp: 9 });
    for (const token of [42, null, ['token-1']]) await join(miss, { token });
    expect([limiter.trackedClients, limiter.trackedAddresses]).toEqual([0, 1]);
  });

  it('never refuses with both limits at 0', async () => {
    const { join } = setUp({});
    for (let i = 0; i < 20; i++) expect((await join(miss)).error).toBe(miss.error);
    expect((await join({ ok: 'joined' })).value).toBe('joined');
  });
});
