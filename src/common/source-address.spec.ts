import { describe, expect, it } from 'vitest';
import { clientAddressOf, normalizeSourceAddress } from './source-address.js';

describe('normalizeSourceAddress', () => {
  it.each([
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::FFFF:10.0.0.1', '10.0.0.1'],
    ['::ffff:203.0.113.255', '203.0.113.255'],
  ])('reports the IPv4-mapped address %s as plain %s', (mapped, plain) => {
    expect(normalizeSourceAddress(mapped)).toBe(plain);
  });

  it.each([
    ['a plain IPv4 address', '127.0.0.1'],
    ['the IPv6 loopback', '::1'],
    ['a real IPv6 address', '2001:db8::1'],
    ['an IPv4-mapped prefix without a dotted address', '::ffff:abcd'],
    ['the mapped prefix alone', '::ffff:'],
  ])('leaves %s unchanged', (_label, address) => {
    expect(normalizeSourceAddress(address)).toBe(address);
  });
});

describe('clientAddressOf', () => {
  const request = (remoteAddress: string | undefined, forwardedFor?: string | string[]) => ({
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    socket: { remoteAddress },
  });

  it('uses the TCP peer, ignoring X-Forwarded-For, unless the proxy is trusted', () => {
    expect(clientAddressOf(request('::ffff:10.0.0.7', '203.0.113.9'), false)).toBe('10.0.0.7');
  });

  it('takes the address the trusted proxy appended: the last in X-Forwarded-For', () => {
    expect(clientAddressOf(request('10.0.0.7', '203.0.113.9'), true)).toBe('203.0.113.9');
    // The client sent "1.1.1.1" itself; the proxy appended the real address.
    expect(clientAddressOf(request('10.0.0.7', ' 1.1.1.1 , 203.0.113.9 '), true)).toBe(
      '203.0.113.9',
    );
    expect(clientAddressOf(request('10.0.0.7', ['1.1.1.1', '2001:db8::1']), true)).toBe(
      '2001:db8::1',
    );
  });

  it('falls back to the TCP peer when the trusted header is missing or not an address', () => {
    expect(clientAddressOf(request('10.0.0.7'), true)).toBe('10.0.0.7');
    expect(clientAddressOf(request('10.0.0.7', '1.2.3.4, evil'), true)).toBe('10.0.0.7');
    expect(clientAddressOf(request(undefined), false)).toBe('unknown');
  });
});
