import { createSocket, type Socket } from 'node:dgram';

// Below Linux's ephemeral range (32768 and up), so that no socket bound to port 0 (this
// file's or a concurrent one's) lands in a range a relay is about to take.
const LOWEST = 20_000;
const HIGHEST = 32_000;

function bindUdp(port: number): Promise<Socket | undefined> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => {
    socket.once('error', () => {
      socket.close();
      resolve(undefined);
    });
    // The wildcard address clashes with a socket on any local address, loopback included.
    socket.bind(port, '0.0.0.0', () => resolve(socket));
  });
}

/**
 * A `first-last` range of `count` consecutive UDP ports that are free right now, for
 * `--relayPorts`: tried at random places, each port bound once and released.
 */
export async function freePortRange(count: number): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = LOWEST + Math.floor(Math.random() * (HIGHEST - LOWEST - count));
    const bound: Socket[] = [];
    for (let port = first; port < first + count; port++) {
      const socket = await bindUdp(port);
      if (!socket) break;
      bound.push(socket);
    }
    await Promise.all(
      bound.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))),
    );
    if (bound.length === count) return `${first}-${first + count - 1}`;
  }
  throw new Error(`found no ${count} consecutive free UDP ports`);
}

/** The ports of a `first-last` range, both ends included. */
export function portsOf(range: string): number[] {
  const [first, last] = range.split('-').map(Number);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}
