import { describe, expect, it } from 'vitest';
import { isOriginAllowed, parseAllowedOrigins } from './allowed-origins.js';

describe('allowed origins', () => {
  it('reads * as any origin', () => {
    expect(parseAllowedOrigins(' * ')).toBe('*');
    expect(isOriginAllowed('*', 'https://anything.example')).toBe(true);
  });

  it('reads a list, lower-cased and without a trailing slash', () => {
    expect(parseAllowedOrigins('https://Game.example/, http://localhost:8060')).toEqual([
      'https://game.example',
      'http://localhost:8060',
    ]);
  });

  it('writes http(s) origins as browsers send them: no default port, punycode, compressed IPv6', () => {
    expect(
      parseAllowedOrigins(
        'https://game.example:443,http://game.example:80,https://bücher.example,' +
          'http://[0:0:0:0:0:0:0:1]:8060,https://game.example:8443,app://game',
      ),
    ).toEqual([
      'https://game.example',
      'http://game.example',
      'https://xn--bcher-kva.example',
      'http://[::1]:8060',
      'https://game.example:8443',
      'app://game',
    ]);
    const allowed = parseAllowedOrigins('https://game.example:443');
    expect(isOriginAllowed(allowed, 'https://game.example')).toBe(true);
  });

  it('refuses an http(s) entry whose host is not valid', () => {
    expect(() => parseAllowedOrigins('https://exa mple.com')).toThrow(/expected/);
    expect(() => parseAllowedOrigins('http://[::1')).toThrow(/expected/);
  });

  it('refuses entries that are not origins', () => {
    for (const raw of ['', 'game.example', 'https://game.example/play', 'https://a.example,,']) {
      expect(() => parseAllowedOrigins(raw), raw).toThrow(/expected \* or comma-separated/);
    }
  });

  it('lets listed origins and requests without an Origin through, and no other', () => {
    const allowed = parseAllowedOrigins('https://game.example');
    expect(isOriginAllowed(allowed, 'https://game.example')).toBe(true);
    expect(isOriginAllowed(allowed, 'HTTPS://GAME.EXAMPLE')).toBe(true);
    expect(isOriginAllowed(allowed, undefined)).toBe(true);
    expect(isOriginAllowed(allowed, 'https://evil.example')).toBe(false);
    expect(isOriginAllowed(allowed, 'null')).toBe(false);
  });
});
