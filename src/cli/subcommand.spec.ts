import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { orionUrl, wholeNumberIn } from './subcommand.js';

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
