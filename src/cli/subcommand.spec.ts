import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { orionUrl, shareOf, wholeNumberIn } from './subcommand.js';

describe('subcommand flag parsers', () => {
  it('accept whole numbers in range', () => {
    expect(wholeNumberIn(1, 10)(' 7 ')).toBe(7);
    expect(wholeNumberIn(1, 10)('10')).toBe(10);
  });

  it.each(['0', '11', '-1', '1.5', 'abc', '', '1e1'])(
    'reject %j with InvalidArgumentError (which exits 2)',
    (raw) => {
      expect(() => wholeNumberIn(1, 10)(raw)).toThrow(InvalidArgumentError);
    },
  );

  it('accept shares from 0 to 1', () => {
    expect(shareOf('0')).toBe(0);
    expect(shareOf(' 0.25 ')).toBe(0.25);
    expect(shareOf('.5')).toBe(0.5);
    expect(shareOf('1')).toBe(1);
  });

  it.each(['-0.1', '1.5', '2', 'half', '', '1e-1', '25%'])('reject the share %j', (raw) => {
    expect(() => shareOf(raw)).toThrow(InvalidArgumentError);
  });

  it('take http(s) URLs down to their origin', () => {
    expect(orionUrl('http://127.0.0.1:5980')).toBe('http://127.0.0.1:5980');
    expect(orionUrl('https://orion.example/')).toBe('https://orion.example');
    expect(orionUrl('http://[::1]:5980')).toBe('http://[::1]:5980');
  });

  it.each(['ws://127.0.0.1:5980', 'not a url', 'file:///etc/passwd', '127.0.0.1:5980'])(
    'reject %j',
    (raw) => {
      expect(() => orionUrl(raw)).toThrow(InvalidArgumentError);
    },
  );
});
