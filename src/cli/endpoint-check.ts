import { networkInterfaces } from 'node:os';
import { isIPv4 } from 'node:net';

/**
 * Compares the UDP source Orion saw for a client with the client's own socket. They
 * differ when a NAT or load balancer rewrote the source on the way, which is what
 * decides whether the endpoint Orion hands to peers is usable for hole punching.
 */
export interface EndpointComparison {
  sameAddress: boolean;
  samePort: boolean;
}

export function compareEndpoints(
  seen: { ip: string; port: number },
  local: { address: string; port: number },
  localAddresses: readonly string[] = ownAddresses(),
): EndpointComparison {
  const seenIp = plain(seen.ip);
  const localIp = plain(local.address);
  const sameAddress =
    seenIp === localIp ||
    // A socket bound to all interfaces sends from one of them, or from loopback.
    (isUnspecified(localIp) &&
      (isLoopback(seenIp) || localAddresses.map(plain).includes(seenIp))) ||
    (isLoopback(localIp) && isLoopback(seenIp));
  return { sameAddress, samePort: seen.port === local.port };
}

/** Every address configured on this machine's interfaces. */
export function ownAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((entries) => entries ?? [])
    .map((entry) => entry.address);
}

function plain(address: string): string {
  const lower = address.toLowerCase();
  const mapped = lower.startsWith('::ffff:') ? lower.slice(7) : lower;
  return isIPv4(mapped) ? mapped : lower;
}

function isUnspecified(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

function isLoopback(address: string): boolean {
  return address === '::1' || (isIPv4(address) && address.startsWith('127.'));
}
