import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { RelayPortPool } from './relay-port-pool.js';

/**
 * A UDP socket bound to a free port of the pool, or undefined when none could be bound.
 * A port another program holds is passed over (back to the end of the pool).
 */
export async function bindFreePort(
  pool: RelayPortPool,
  host: string,
): Promise<{ port: number; socket: Socket } | undefined> {
  for (let tries = pool.available; tries > 0; tries--) {
    const port = pool.take();
    if (port === undefined) return undefined;
    const socket = await bound(host, port);
    if (socket) return { port, socket };
    pool.give(port);
  }
  return undefined;
}

function bound(host: string, port: number): Promise<Socket | undefined> {
  const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
  return new Promise((resolve) => {
    socket.once('error', () => {
      socket.close();
      resolve(undefined);
    });
    socket.bind(port, host, () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}
