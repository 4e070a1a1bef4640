import { describe, expect, it } from 'vitest';
import { nameKey } from './name-key.js';

describe('nameKey', () => {
  it.each([
    ['a trailing space', 'Mallory '],
    ['a leading no-break space', '\u00a0Mallory'],
    ['lower case', 'mallory'],
    ['upper case', 'MALLORY'],
    ['fullwidth letters', 'Ｍａｌｌｏｒｙ'],
    ['a zero-width space inside', 'Mal\u200blory'],
  ])('gives "Mallory" and the same name with %s one key', (_, lookAlike) => {
    expect(nameKey(lookAlike)).toBe(nameKey('Mallory'));
  });

  it('collapses runs of whitespace inside a name to one space', () => {
    expect(nameKey('Mal  lory')).toBe(nameKey('Mal lory'));
    expect(nameKey('Mal\t\u3000lory')).toBe(nameKey('Mal lory'));
    expect(nameKey('Mal lory')).not.toBe(nameKey('Mallory'));
  });

  it('folds case beyond one-to-one lower-casing', () => {
    expect(nameKey('Straße')).toBe(nameKey('STRASSE'));
    expect(nameKey('ΟΔΟΣ')).toBe(nameKey('οδος'));
  });

  it.each([
    ['Mallory', 'Malory'],
    ['Mallory', 'Mallory2'],
    ['Mallory', 'Mallory_'],
    ['Bob', 'Bo b'],
  ])('keeps "%s" and "%s" apart', (a, b) => {
    expect(nameKey(a)).not.toBe(nameKey(b));
  });

  it('is the lower-case name itself for a plain name', () => {
    expect(nameKey('Friday Night')).toBe('friday night');
  });
});
