import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';

/**
 * Binds the client's one UDP socket. Its family follows the bind address, or else
 * Orion's UDP host, so that the socket can reach the address it will be sending to.
 */
export async function bindUdpSocket(options: {
  udpHost: string;
  localAddress?: string;
  localPort?: number;
}): Promise<Socket> {
  const ipv6 = options.localAddress ? isIPv6(options.localAddress) : isIPv6(options.udpHost);
  const address = options.localAddress ?? (ipv6 ? '::' : '0.0.0.0');
  const socket = createSocket(ipv6 ? 'udp6' : 'udp4');
  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error) => {
      socket.close();
      reject(
        new Error(
          `Could not bind a UDP socket on ${address}:${options.localPort ?? 0}: ${error.message}`,
        ),
      );
    };
    socket.once('error', failed);
    socket.bind(options.localPort ?? 0, address, () => {
      socket.off('error', failed);
      resolve();
    });
  });
  return socket;
}

/** Closes a socket if it is still open, resolving once it is closed. */
export function closeUdpSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // Already closed.
    }
  });
}
