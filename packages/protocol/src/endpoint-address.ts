const IPV4_MAPPED_PREFIX = '::ffff:';

/**
 * Writes an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) in plain dotted form, as Orion reports
 * peer endpoints. A dual-stack socket sees IPv4 senders in the mapped form; clients compare
 * the addresses they receive from with the ones Orion sent them, so both sides normalise.
 */
export function normalizeSourceAddress(address: string): string {
  if (address.toLowerCase().startsWith(IPV4_MAPPED_PREFIX)) {
    const rest = address.slice(IPV4_MAPPED_PREFIX.length);
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(rest)) return rest;
  }
  return address;
}
