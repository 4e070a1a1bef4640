import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import { clientAddressOf, type AddressedRequest } from '../common/source-address.js';
import type { OrionConfig } from '../config/orion-config.js';
import { LIMIT_WINDOW_MS, tryAgainIn } from './limit-window.js';

/**
 * The POST rate limit: `httpRateLimit` requests per client address in any sliding window,
 * counted across every limited route together. The throttler keeps its default name because
 * only that one answers with a plain `Retry-After` header (others get a suffix).
 */
export function httpRateLimitOptions(config: OrionConfig): ThrottlerModuleOptions {
  return {
    // No block duration: a refused request does not count, and Retry-After is the time until
    // the oldest counted request leaves the window, when the next one is accepted again.
    throttlers: [{ ttl: LIMIT_WINDOW_MS, limit: config.httpRateLimit, blockDuration: 0 }],
    skipIf: () => config.httpRateLimit === 0,
    getTracker: (request) => clientAddressOf(request as AddressedRequest, config.trustProxy),
    // One bucket per address for all routes; the default key is per route.
    generateKey: (_context, tracker, throttlerName) => `${throttlerName}:${tracker}`,
    errorMessage: (_context, { timeToBlockExpire }) =>
      `Too many requests from your address. ${tryAgainIn(timeToBlockExpire)}`,
  };
}
