import fc from 'fast-check';
import { DISPLAY_NAME_PATTERN } from '@orion/protocol';
import { Live, RawJson, type Template, type TemplateObject } from './refs.js';

/**
 * Field values for generated payloads: mostly ones that reach past validation into the
 * services (live tokens, live lobby ids, valid names), mixed with wrong types, edge
 * lengths and strings no client should send.
 */

/**
 * Arrays or objects nested up to thousands of levels deep, yet only a few KiB long:
 * they stress any recursive walk over a payload.
 */
const deeplyNested: fc.Arbitrary<Template> = fc
  .tuple(fc.boolean(), fc.integer({ min: 2, max: 6_000 }))
  .map(([arrays, depth]) =>
    arrays
      ? new RawJson('['.repeat(depth) + ']'.repeat(depth))
      : new RawJson('{"a":'.repeat(depth) + '0' + '}'.repeat(depth)),
  );

/** Any JSON value, mostly small: the wrong type for whatever field it lands in. */
export const anyJson: fc.Arbitrary<Template> = fc.oneof(
  { weight: 9, arbitrary: fc.jsonValue({ maxDepth: 2, depthSize: 'small' }) },
  { weight: 1, arbitrary: deeplyNested },
);

const strangeString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', ' ', '\u0000', '\n', '__proto__', 'null', '💥', '\uD800', '%', '../'),
);

/** Strings around and far past the server's length limits (names 50, chat 250, token 256). */
const longString = fc
  .tuple(fc.constantFrom('n', 'é', ' ', '💥'), fc.integer({ min: 45, max: 4_000 }))
  .map(([unit, length]) => unit.repeat(length));

const lobbyTwist = fc.constantFrom('none', 'none', 'none', 'lower', 'padded', 'suffixed');

/** Four times in five a `valid` value, otherwise one of `invalid`, evenly. */
const mostly = (valid: fc.Arbitrary<Template>, ...invalid: fc.Arbitrary<Template>[]) =>
  fc.oneof({ weight: 4 * invalid.length, arbitrary: valid }, ...invalid);

export const tokenValue: fc.Arbitrary<Template> = mostly(
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(new Live({ ref: 'own', twist: 'none' })) },
    { weight: 2, arbitrary: fc.nat().map((pick) => new Live({ ref: 'fuzzer', pick })) },
    { weight: 1, arbitrary: fc.nat().map((pick) => new Live({ ref: 'observer', pick })) },
  ),
  fc
    .constantFrom('padded', 'upper', 'truncated', 'doubled')
    .map((twist) => new Live({ ref: 'own', twist })),
  strangeString,
  fc.constantFrom('t'.repeat(256), 't'.repeat(257)),
  anyJson,
);

export const lobbyIdValue: fc.Arbitrary<Template> = mostly(
  fc.oneof(
    { weight: 3, arbitrary: lobbyTwist.map((twist) => new Live({ ref: 'ownLobby', twist })) },
    {
      weight: 1,
      arbitrary: fc
        .record({ pick: fc.nat(), twist: lobbyTwist })
        .map(({ pick, twist }) => new Live({ ref: 'lobby', pick, twist })),
    },
  ),
  fc.stringMatching(/^[A-Za-z0-9]{5}$/),
  strangeString,
  anyJson,
);

export const nameValue: fc.Arbitrary<Template> = mostly(
  fc.stringMatching(DISPLAY_NAME_PATTERN),
  strangeString,
  longString,
  anyJson,
);

export const chatValue: fc.Arbitrary<Template> = mostly(
  fc.string({ minLength: 1, maxLength: 250 }),
  strangeString,
  longString,
  anyJson,
);

export const booleanValue: fc.Arbitrary<Template> = mostly(
  fc.boolean(),
  fc.constantFrom('true', 1, 0, null),
  anyJson,
);

export const countValue: fc.Arbitrary<Template> = mostly(
  fc.integer({ min: 1, max: 64 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, 65, -1, 1e300, '4', 2 ** 53 + 1),
  anyJson,
);

/**
 * Keys a payload may carry beside its own: junk, prototype names, and field names
 * (which fill in, with a wrong value, a field that a partial record left out).
 */
const extraKey = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf'),
  fc.constantFrom('token', 'lobbyId', 'message', 'peerName', 'hostName', 'maxMembers'),
);

/**
 * Objects shaped like a message or body with `fields`: usually all of them, sometimes only
 * some, with a few extra keys either way; now and then any JSON value instead.
 */
export function shaped(fields: Record<string, fc.Arbitrary<Template>>): fc.Arbitrary<Template> {
  const extras = fc.dictionary(extraKey, anyJson, { maxKeys: 3 });
  const withExtras = (base: fc.Arbitrary<TemplateObject>) =>
    fc
      .tuple(base, extras, fc.boolean())
      .map(([own, extra, plain]) => (plain ? own : { ...extra, ...own }));
  return fc.oneof(
    { weight: 7, arbitrary: withExtras(fc.record(fields)) },
    { weight: 1, arbitrary: withExtras(fc.record(fields, { requiredKeys: [] })) },
    { weight: 1, arbitrary: anyJson },
  );
}
