import { describe, expect, it } from 'vitest';
import { isNestedTooDeeply, MAX_NESTING_DEPTH } from './nesting-depth.js';

/** An object `levels` containers deep: `{a:{a:...}}` or `[[...]]`. */
function nested(levels: number, kind: 'object' | 'array'): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = kind === 'object' ? { a: value } : [value];
  return value;
}

describe('isNestedTooDeeply', () => {
  it.each(['object', 'array'] as const)(
    'accepts %s nesting up to the bound, not one more',
    (kind) => {
      expect(isNestedTooDeeply(nested(MAX_NESTING_DEPTH, kind))).toBe(false);
      expect(isNestedTooDeeply(nested(MAX_NESTING_DEPTH + 1, kind))).toBe(true);
    },
  );

  it('treats scalars and flat payloads as shallow', () => {
    for (const value of [null, undefined, 1, 'x', true, {}, [], { token: 't', message: 'hi' }]) {
      expect(isNestedTooDeeply(value), JSON.stringify(value)).toBe(false);
    }
  });

  it('finds a deep branch beside shallow ones, and survives nesting far past the stack', () => {
    expect(isNestedTooDeeply({ token: 't', lobbyId: nested(50, 'array'), x: 1 })).toBe(true);
    const deep = JSON.parse('['.repeat(200_000) + ']'.repeat(200_000)) as unknown;
    expect(isNestedTooDeeply(deep)).toBe(true);
  });

  it('honours a smaller bound', () => {
    expect(isNestedTooDeeply({ a: { b: 1 } }, 2)).toBe(false);
    expect(isNestedTooDeeply({ a: { b: {} } }, 2)).toBe(true);
  });
});
