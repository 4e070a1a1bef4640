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
  headers: { 'x-forwarded-for'?: string | string[] | undefined };
  socket: { remoteAddress?: string | undefined };
}

/**
 * The address limits are counted against. The TCP peer's address, unless `trustProxy`
 * is set: then the first address in X-Forwarded-For (the client as the proxy saw it),
 * when it is a valid IP address.
 */
export function clientAddressOf(request: AddressedRequest, trustProxy: boolean): string {
  if (trustProxy) {
    const header = request.headers['x-forwarded-for'];
    const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim();
    if (first && isIP(first) !== 0) return normalizeSourceAddress(first);
  }
  return normalizeSourceAddress(request.socket.remoteAddress ?? 'unknown');
}
