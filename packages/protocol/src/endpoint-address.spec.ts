import { describe, expect, it } from 'vitest';
import { normalizeSourceAddress } from './endpoint-address.js';

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
