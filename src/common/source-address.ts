import { isIP } from 'node:net';

const IPV4_MAPPED_PREFIX = '::ffff:';

/** Reports an IPv4-mapped IPv6 source (`::ffff:1.2.3.4`) in plain dotted form. */
export function normalizeSourceAddress(address: string): string {
  if (address.toLowerCase().startsWith(IPV4_MAPPED_PREFIX)) {
    const rest = address.slice(IPV4_MAPPED_PREFIX.length);
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(rest)) return rest;
  }
  return address;
}

/** What a client address is read from: an HTTP request or a WebSocket upgrade request. */
export interface AddressedRequest {
  headers: Partial<Record<string, string | string[]>>;
  socket: { remoteAddress?: string | undefined };
}

/**
 * The address limits are counted against. The TCP peer's address, unless `trustProxy`
 * is set: then the last address in X-Forwarded-For, the one the proxy in front of Orion
 * appended. Earlier entries come from the client itself and could be forged to dodge
 * the per-address limits.
 */
export function clientAddressOf(request: AddressedRequest, trustProxy: boolean): string {
  if (trustProxy) {
    const header = request.headers['x-forwarded-for'];
    const joined = Array.isArray(header) ? header.join(',') : header;
    const last = joined?.split(',').at(-1)?.trim();
    if (last && isIP(last) !== 0) return normalizeSourceAddress(last);
  }
  return normalizeSourceAddress(request.socket.remoteAddress ?? 'unknown');
}
