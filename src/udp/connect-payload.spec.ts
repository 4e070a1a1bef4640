import { TOKEN_MAX_LENGTH } from '@orion/protocol';
import { describe, expect, it } from 'vitest';
import { validatePayload } from '../common/validate-payload.js';
import { connectPayloadOf } from './connect-payload.js';
import { UdpConnectDto } from './dto/udp-connect.dto.js';

/** Characters that make UTF-16 length and character count differ, or that are plain. */
const PIECES = ['a', 'Z', '0', '-', ' ', '😀', 'é', '\uFE0F', '\uD800', '\u0000'];

function randomToken(random: () => number): string {
  const length = Math.floor(random() * (TOKEN_MAX_LENGTH + 8));
  let token = '';
  while (token.length < length) token += PIECES[Math.floor(random() * PIECES.length)];
  return token;
}

/** A small seeded generator, so that a failure can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('connectPayloadOf', () => {
  it('accepts a usual token without the DTO, as the DTO would, keeping only the token', () => {
    const token = 'k'.repeat(43);
    const payload = connectPayloadOf({ token, port: 4000 });
    expect(payload).toBeInstanceOf(UdpConnectDto);
    expect({ ...payload }).toEqual({ token });
  });

  it.each([
    ['an empty token', { token: '' }],
    ['a number', { token: 42 }],
    ['no token', {}],
    ['null', { token: null }],
    ['an object', { token: { a: 1 } }],
    ['a token one unit too long', { token: 'x'.repeat(TOKEN_MAX_LENGTH + 1) }],
  ])('refuses %s', (_label, payload) => {
    expect(connectPayloadOf(payload)).toBeUndefined();
  });

  it('accepts a token longer in UTF-16 units than the limit but not in characters, as the DTO does', () => {
    const token = '😀'.repeat(TOKEN_MAX_LENGTH / 2 + 1);
    expect(token.length).toBeGreaterThan(TOKEN_MAX_LENGTH);
    expect(validatePayload(UdpConnectDto, { token })).toBeDefined();
    expect(connectPayloadOf({ token })?.token).toBe(token);
  });

  it('gives the same verdict and token as the DTO for 3,000 random payloads', () => {
    const random = seeded(20_261_205);
    let accepted = 0;
    for (let i = 0; i < 3_000; i++) {
      const payload = random() < 0.1 ? { token: i } : { token: randomToken(random), other: i };
      const byDto = validatePayload(UdpConnectDto, payload);
      const byHand = connectPayloadOf(payload);
      expect(byHand?.token, JSON.stringify(payload)).toBe(byDto?.token);
      if (byHand) accepted++;
    }
    // Both verdicts occur, so the comparison covers each.
    expect(accepted).toBeGreaterThan(500);
    expect(accepted).toBeLessThan(2_900);
  });
});
