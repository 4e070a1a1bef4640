import type { Socket } from 'node:dgram';
import { isIPv4 } from 'node:net';

/**
 * The address to hand `socket.send` for `ip`: an IPv6 socket reaches an IPv4 peer
 * through its IPv4-mapped form, since Orion reports such peers in dotted form.
 */
export function sendAddressFor(socket: Socket, ip: string): string {
  return isIPv4(ip) && socket.address().family === 'IPv6' ? `::ffff:${ip}` : ip;
}

/** Sends without throwing: UDP is lossy anyway, and a lost hello is retried on schedule. */
export function sendQuietly(socket: Socket, data: Buffer, port: number, ip: string): void {
  try {
    socket.send(data, port, sendAddressFor(socket, ip), () => undefined);
  } catch {
    // The socket closed underneath us; whoever owns it reports that.
  }
}
