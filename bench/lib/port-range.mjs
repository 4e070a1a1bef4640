import { createSocket } from 'node:dgram';

// Below Linux's ephemeral range (32768 and up), so that no socket the generator binds to
// port 0 lands in the range the relay is about to take (as test/support/relay does).
const LOWEST = 20_000;
const HIGHEST = 32_000;

function bindUdp(port) {
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
export async function freeUdpPortRange(count) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = LOWEST + Math.floor(Math.random() * (HIGHEST - LOWEST - count));
    const bound = [];
    for (let port = first; port < first + count; port++) {
      const socket = await bindUdp(port);
      if (!socket) break;
      bound.push(socket);
    }
    await Promise.all(bound.map((socket) => new Promise((resolve) => socket.close(resolve))));
    if (bound.length === count) return `${first}-${first + count - 1}`;
  }
  throw new Error(`found no ${count} consecutive free UDP ports`);
}
