const IPV4_MAPPED_PREFIX = '::ffff:';

/** Reports an IPv4-mapped IPv6 source (`::ffff:1.2.3.4`) in plain dotted form. */
export function normalizeSourceAddress(address: string): string {
  if (address.toLowerCase().startsWith(IPV4_MAPPED_PREFIX)) {
    const rest = address.slice(IPV4_MAPPED_PREFIX.length);
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(rest)) return rest;
  }
  return address;
}
