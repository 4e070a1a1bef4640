import { describe, expect, it } from 'vitest';
import { clientAddressOf, limitKeyOf } from './source-address.js';

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
      '2001:db8:0:0::/64',
    );
    expect(clientAddressOf(request('10.0.0.7', '::ffff:203.0.113.9'), true)).toBe('203.0.113.9');
  });

  it('falls back to the TCP peer when the trusted header is missing or not an address', () => {
    expect(clientAddressOf(request('10.0.0.7'), true)).toBe('10.0.0.7');
    expect(clientAddressOf(request('10.0.0.7', '1.2.3.4, evil'), true)).toBe('10.0.0.7');
    expect(clientAddressOf(request(undefined), false)).toBe('unknown');
  });
});

describe('limitKeyOf', () => {
  it.each([
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002::ffff', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::203.0.113.7', '64:ff9b:0:0::/64'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4::/64'],
  ])('counts the IPv6 address %s as its network %s', (address, network) => {
    expect(limitKeyOf(address)).toBe(network);
  });

  it('counts one IPv6 host by its /64, whichever of its addresses it uses', () => {
    const keys = ['2001:db8:5:6::1', '2001:db8:5:6:ffff::2', '2001:0db8:0005:0006:1::'];
    expect(new Set(keys.map(limitKeyOf)).size).toBe(1);
    expect(limitKeyOf('2001:db8:5:7::1')).not.toBe(limitKeyOf('2001:db8:5:6::1'));
  });

  it.each(['127.0.0.1', '203.0.113.7', 'unknown'])('keeps %s as it is', (address) => {
    expect(limitKeyOf(address)).toBe(address);
  });

  it('is applied to the TCP peer too, after IPv4-mapped addresses are made plain', () => {
    const peer = (remoteAddress: string) => ({ headers: {}, socket: { remoteAddress } });
    expect(clientAddressOf(peer('2001:db8:9:9::77'), false)).toBe('2001:db8:9:9::/64');
    expect(clientAddressOf(peer('::ffff:127.0.0.1'), false)).toBe('127.0.0.1');
  });
});
