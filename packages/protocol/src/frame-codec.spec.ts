import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from './frame-codec.js';

/** Base64 of arbitrary text, to build frames whose payload is not what a client should send. */
const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

describe('frame codec', () => {
  describe('round trip', () => {
    it.each([
      ['an ASCII payload', { token: 'abc123', lobbyId: 'K3X9Q' }],
      ['a unicode and emoji payload', { message: 'héllo wörld ✓ 🚀👾 日本語' }],
      ['a nested payload', { message: { timestamp: 1, senderName: 'A', tags: [1, 'two', null] } }],
      ['an empty object', {}],
    ])('decodes what it encodes for %s', (_label, payload) => {
      const frame = decodeFrame(encodeFrame('lobby_messaging_received', payload));

      expect(frame).toEqual({ method: 'lobby_messaging_received', payload });
    });
  });

  describe("the protocol's example", () => {
    const example = 'client_registered:eyJ0b2tlbiI6IjEyMyJ9';

    it('decodes client_registered:eyJ0b2tlbiI6IjEyMyJ9 to a token of "123"', () => {
      expect(decodeFrame(example)).toEqual({
        method: 'client_registered',
        payload: { token: '123' },
      });
    });

    it('encodes client_registered with token "123" exactly as the example', () => {
      expect(encodeFrame('client_registered', { token: '123' })).toBe(example);
    });
  });

  it('accepts base64 without its padding', () => {
    const padded = base64('{"a":1}');
    expect(padded.endsWith('=')).toBe(true);

    expect(decodeFrame(`m:${padded.replace(/=+$/, '')}`)).toEqual({
      method: 'm',
      payload: { a: 1 },
    });
  });

  describe('returns undefined for anything malformed', () => {
    const valid = base64('{"token":"123"}');

    it.each([
      ['an empty string', ''],
      ['text without a colon', `client_registered${valid}`],
      ['a leading colon', `:${valid}`],
      ['an empty method (a bare colon)', ':'],
      ['a method with spaces', `client registered:${valid}`],
      ['a method with symbols', `client-registered!:${valid}`],
      ['base64 with invalid characters', 'client_registered:eyJ0b2tlbiI6IjEyMyJ9$%'],
      ['base64 of text that is not JSON', `m:${base64('not json')}`],
      ['base64 of a JSON array', `m:${base64('[1,2]')}`],
      ['base64 of a JSON string', `m:${base64('"hi"')}`],
      ['base64 of a JSON number', `m:${base64('42')}`],
      ['base64 of JSON null', `m:${base64('null')}`],
      ['base64 of JSON true', `m:${base64('true')}`],
      ['an empty payload', 'm:'],
    ])('%s', (_label, text) => {
      expect(decodeFrame(text)).toBeUndefined();
    });
  });
});
