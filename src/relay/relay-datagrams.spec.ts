import { encodeFrame } from '@orion/protocol';
import { describe, expect, it } from 'vitest';
import { BOUND_DATAGRAM, looksLikeBind, tokenOfBind } from './relay-datagrams.js';

const bind = (payload: object) =>
  Buffer.from(encodeFrame('ptpMediation_relay_bind', payload), 'utf8');

describe('relay datagrams', () => {
  it('reads the token of a bind', () => {
    const datagram = bind({ token: 'abc' });
    expect(looksLikeBind(datagram)).toBe(true);
    expect(tokenOfBind(datagram)).toBe('abc');
  });

  it.each([
    ['game bytes', Buffer.from([0x82, 0xff, 0x00, 0x01])],
    ['another frame', Buffer.from(encodeFrame('ptpMediation_connect', { token: 'abc' }))],
    ['the bare method', Buffer.from('ptpMediation_relay_bind')],
  ])('does not take %s for a bind', (_label, datagram) => {
    expect(looksLikeBind(datagram)).toBe(false);
  });

  it.each([
    ['no token', {}],
    ['an empty token', { token: '' }],
    ['a number', { token: 7 }],
    ['a token over 256 characters', { token: 't'.repeat(257) }],
  ])('finds no token in a bind with %s', (_label, payload) => {
    expect(tokenOfBind(bind(payload))).toBeUndefined();
  });

  it('answers a bind with fewer bytes than the shortest bind carries', () => {
    expect(BOUND_DATAGRAM.toString()).toBe('ptpMediation_relay_bound:e30=');
    expect(BOUND_DATAGRAM.length).toBeLessThan(bind({ token: 'x' }).length);
  });
});
