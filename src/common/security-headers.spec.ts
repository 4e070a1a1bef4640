import { describe, expect, it } from 'vitest';
import { headersOf } from './security-headers.js';

describe('headersOf', () => {
  it('records what a middleware sets, without what it removes again', () => {
    const headers = headersOf((_request, response: never, next) => {
      const res = response as unknown as {
        setHeader(name: string, value: string): void;
        removeHeader(name: string): void;
      };
      res.setHeader('X-A', '1');
      res.setHeader('X-B', '2');
      res.removeHeader('X-B');
      next();
    });
    expect([...headers]).toEqual([['X-A', '1']]);
  });

  it('refuses a middleware that does not finish at once, or fails', () => {
    expect(() => headersOf(() => undefined)).toThrow(/synchronously/);
    expect(() => headersOf((_request, _response, next) => next(new Error('bad')))).toThrow('bad');
  });
});
