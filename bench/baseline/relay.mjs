import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { decodeFrame, encodeFrame, RELAY_BIND_METHOD, RELAY_BOUND_METHOD } from '@orion/protocol';

const BIND_PREFIX = Buffer.from(`${RELAY_BIND_METHOD}:`, 'latin1');
const BOUND = Buffer.from(encodeFrame(RELAY_BOUND_METHOD, {}), 'utf8');

/**
 * The baseline's relay: a bare node:dgram forwarder for the protocol's relay subset. Each
 * pair gets a port per side; a side binds with its own token (answered from that port), and
 * then every other datagram from its bound endpoint leaves unmodified through the peer's port
 * to the peer's bound endpoint. Minimal validation and nothing else: no rate limit, idle
 * timeout, lifetime, metrics or logging, so that the bench's ratio measures what Orion adds.
 */
export class BaselineRelay {
  #free = [];
  #host;
  /** By pair key: a pending or open session, so that repeats share it. */
  #sessions = new Map();

  constructor(ports, host) {
    for (let port = ports.first; port <= ports.last; port++) this.#free.push(port);
    this.#host = host;
  }

  /** The pair's session, opened on first use; resolves undefined when no ports are free. */
  sessionFor(key, lobbyId, a, b) {
    let session = this.#sessions.get(key);
    if (!session) {
      session = this.#open(lobbyId, a, b);
      this.#sessions.set(key, session);
      void session.then((opened) => opened ?? this.#sessions.delete(key));
    }
    return session;
  }

  /** Ends the sessions of a mediation that aborted (a succeeded one keeps them). */
  endLobby(lobbyId) {
    for (const [key, pending] of this.#sessions) {
      void pending.then((session) => {
        if (session?.lobbyId !== lobbyId) return;
        this.#sessions.delete(key);
        for (const side of session.sides) this.#close(side);
      });
    }
  }

  closeAll() {
    for (const pending of this.#sessions.values()) {
      void pending.then((session) => session?.sides.forEach((side) => side.socket.close()));
    }
  }

  async #open(lobbyId, a, b) {
    const sideA = await this.#openSide(a);
    const sideB = sideA && (await this.#openSide(b));
    if (!sideA || !sideB) {
      if (sideA) this.#close(sideA);
      return undefined;
    }
    const sides = [sideA, sideB];
    for (const [index, side] of sides.entries()) {
      const other = sides[1 - index];
      side.socket.on('message', (datagram, remote) => forward(side, other, datagram, remote));
    }
    return { lobbyId, sides };
  }

  /** A socket on a free port for `member`, the member's token to check its bind against. */
  async #openSide(member) {
    while (this.#free.length > 0) {
      const port = this.#free.shift();
      const socket = await bindUdp(this.#host, port);
      if (socket) return { member, token: member.client.token, port, socket, bound: undefined };
    }
    return undefined;
  }

  #close(side) {
    side.socket.close();
    this.#free.push(side.port);
  }
}

function forward(side, other, datagram, remote) {
  const n = BIND_PREFIX.length;
  if (datagram.length > n && datagram.compare(BIND_PREFIX, 0, n, 0, n) === 0) {
    const frame = decodeFrame(datagram.toString('utf8'));
    if (frame?.payload.token !== side.token) return;
    side.bound = { address: remote.address, port: remote.port };
    side.socket.send(BOUND, remote.port, remote.address);
    return;
  }
  const from = side.bound;
  if (from?.port !== remote.port || from.address !== remote.address || !other.bound) return;
  other.socket.send(datagram, other.bound.port, other.bound.address);
}

function bindUdp(host, port) {
  const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
  return new Promise((resolve) => {
    socket.once('error', () => {
      socket.close();
      resolve(undefined);
    });
    socket.bind(port, host, () => {
      socket.removeAllListeners('error');
      // A send to a vanished peer must not crash the process.
      socket.on('error', () => {});
      resolve(socket);
    });
  });
}
