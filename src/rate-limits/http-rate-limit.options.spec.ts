import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerException, ThrottlerGuard, ThrottlerStorageService } from '@nestjs/throttler';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OrionSettings } from '../config/orion-config.js';
import { buildConfig } from '../config/settings.js';
import { httpRateLimitOptions } from './http-rate-limit.options.js';

interface FakeRequest {
  headers: Record<string, string>;
  socket: { remoteAddress: string };
}

/** Two routes, so that the test can tell one bucket per address from one per route. */
class FakeController {
  create(): void {}
  join(): void {}
}

describe('the POST rate limit (throttler guard with httpRateLimitOptions)', () => {
  const T0 = new Date('2030-01-01T00:00:00Z').getTime();
  let storage: ThrottlerStorageService;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    storage = new ThrottlerStorageService();
  });

  afterEach(() => {
    storage.onApplicationShutdown();
    vi.useRealTimers();
  });

  async function guardWith(settings: Partial<OrionSettings>): Promise<ThrottlerGuard> {
    const options = httpRateLimitOptions(buildConfig(settings));
    const guard = new ThrottlerGuard(options, storage, new Reflector());
    await guard.onModuleInit();
    return guard;
  }

  /** Runs the guard for one request; returns what it decided and the headers it set. */
  async function attempt(
    guard: ThrottlerGuard,
    { from = '10.0.0.1', forwardedFor, route = 'create' }: Partial<Record<string, string>> = {},
  ): Promise<{ allowed: boolean; headers: Record<string, string>; message?: string }> {
    const request: FakeRequest = {
      headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
      socket: { remoteAddress: from },
    };
    const headers: Record<string, string> = {};
    const response = { header: (name: string, value: unknown) => (headers[name] = String(value)) };
    const handler =
      route === 'join' ? FakeController.prototype.join : FakeController.prototype.create;
    const context = {
      getHandler: () => handler,
      getClass: () => FakeController,
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
    } as unknown as ExecutionContext;
    try {
      return { allowed: await guard.canActivate(context), headers };
    } catch (error) {
      expect(error).toBeInstanceOf(ThrottlerException);
      return { allowed: false, headers, message: (error as ThrottlerException).message };
    }
  }

  it('allows httpRateLimit requests per address, counted across routes, then refuses', async () => {
    const guard = await guardWith({ httpRateLimit: 3 });
    expect((await attempt(guard, { route: 'create' })).allowed).toBe(true);
    expect((await attempt(guard, { route: 'join' })).allowed).toBe(true);
    expect((await attempt(guard, { route: 'create' })).allowed).toBe(true);
    const refused = await attempt(guard, { route: 'join' });
    expect(refused.allowed).toBe(false);
    expect(refused.message).toBe('Too many requests from your address. Try again in 60 seconds.');
    expect(refused.headers['Retry-After']).toBe('60');
    expect(Object.keys(refused.headers).filter((name) => name.startsWith('Retry-After'))).toEqual([
      'Retry-After',
    ]);
  });

  it('accepts again once the oldest request leaves the window, and Retry-After says when', async () => {
    const guard = await guardWith({ httpRateLimit: 2 });
    await attempt(guard);
    vi.setSystemTime(T0 + 20_000);
    await attempt(guard);
    vi.setSystemTime(T0 + 45_000);
    expect((await attempt(guard)).headers['Retry-After']).toBe('15');
    // Refused requests do not count, and no penalty is added: the oldest leaves at 60 s.
    vi.setSystemTime(T0 + 60_001);
    expect((await attempt(guard)).allowed).toBe(true);
    const refused = await attempt(guard);
    expect(refused.allowed).toBe(false);
    expect(refused.headers['Retry-After']).toBe('20');
  });

  it('counts each TCP peer on its own and ignores X-Forwarded-For without trustProxy', async () => {
    const guard = await guardWith({ httpRateLimit: 1, trustProxy: false });
    expect((await attempt(guard, { from: '10.0.0.1', forwardedFor: '203.0.113.1' })).allowed).toBe(
      true,
    );
    expect((await attempt(guard, { from: '10.0.0.1', forwardedFor: '203.0.113.2' })).allowed).toBe(
      false,
    );
    expect((await attempt(guard, { from: '::ffff:10.0.0.2' })).allowed).toBe(true);
    expect((await attempt(guard, { from: '10.0.0.2' })).allowed).toBe(false);
  });

  it('counts each X-Forwarded-For client on its own with trustProxy', async () => {
    const guard = await guardWith({ httpRateLimit: 1, trustProxy: true });
    // The proxy appends the client it saw; a leading entry is the client's own claim.
    const viaProxy = (client: string) =>
      attempt(guard, { from: '10.0.0.9', forwardedFor: `198.51.100.77, ${client}` });
    expect((await viaProxy('203.0.113.1')).allowed).toBe(true);
    expect((await viaProxy('203.0.113.1')).allowed).toBe(false);
    expect((await viaProxy('203.0.113.2')).allowed).toBe(true);
  });

  it('refuses nothing with httpRateLimit 0', async () => {
    const guard = await guardWith({ httpRateLimit: 0 });
    for (let i = 0; i < 500; i++) expect((await attempt(guard)).allowed).toBe(true);
  });
});
