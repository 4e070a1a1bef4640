import { normalizeSourceAddress } from '@orion/protocol';
import { isIP, isIPv6 } from 'node:net';

/**
 * What per-address limits count `address` (already plain) as: an IPv4 address itself, an
 * IPv6 one its /64 network (`2001:db8:1:2::/64`). One IPv6 host, a phone or a home, is
 * commonly given a whole /64 and could otherwise take a fresh address for every request.
 */
export function limitKeyOf(address: string): string {
  return isIPv6(address) ? `${ipv6Network64(address)}::/64` : address;
}

/** The first four groups of an IPv6 address, each in shortest hex (`2001:db8:0:0`). */
function ipv6Network64(address: string): string {
  const bare = address.split('%')[0]; // a zone (`fe80::1%eth0`) is no part of the address
  const [head, tail] = bare.split('::').map((half) => (half === '' ? [] : half.split(':')));
  // An embedded dotted IPv4 address fills the last two groups.
  const width = (groups: string[]) => groups.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const zeros = Array<string>(8 - width(head) - width(tail ?? [])).fill('0');
  return [...head, ...zeros, ...(tail ?? [])]
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':');
}

/** What a client address is read from: an HTTP request or a WebSocket upgrade request. */
export interface AddressedRequest {
  headers: Partial<Record<string, string | string[]>>;
  socket: { remoteAddress?: string | undefined };
}

/**
 * The address limits are counted against ({@link limitKeyOf}). The TCP peer's address, unless
 * `trustProxy` is set: then the last address in X-Forwarded-For, the one the proxy in front
 * of Orion appended. Earlier entries come from the client itself and could be forged to
 * dodge the per-address limits.
 */
export function clientAddressOf(request: AddressedRequest, trustProxy: boolean): string {
  if (trustProxy) {
    const header = request.headers['x-forwarded-for'];
    const joined = Array.isArray(header) ? header.join(',') : header;
    const last = joined?.split(',').at(-1)?.trim();
    if (last && isIP(last) !== 0) return limitKeyOf(normalizeSourceAddress(last));
  }
  return limitKeyOf(normalizeSourceAddress(request.socket.remoteAddress ?? 'unknown'));
}
