import { createSocket, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { BlockList, isIPv6 } from 'node:net';

export interface Datagram {
  data: Buffer;
  address: string;
  port: number;
}

export interface Endpoint {
  ip: string;
  port: number;
}

/**
 * A UDP socket that keeps what arrives until a wait takes it, so that an answer is never
 * missed for having come before the wait began. The relay check needs one per side: a
 * fresh socket, of the relay address's family, that only the relay knows of.
 */
export class UdpInbox {
  private readonly unread: Datagram[] = [];
  private readonly arrivals = new EventEmitter();

  private constructor(private readonly socket: Socket) {
    socket.on('message', (data, remote) => {
      this.unread.push({ data, address: remote.address, port: remote.port });
      this.arrivals.emit('datagram');
    });
    socket.on('error', () => undefined); // A send that fails is a datagram lost: waits say so.
  }

  /** A socket on any free port that can reach `ip`. */
  static async open(ip: string): Promise<UdpInbox> {
    return new UdpInbox(await bindUdp(ip));
  }

  /** Sends without throwing: UDP is lossy, and every send here is repeated until answered. */
  send(data: Buffer, to: Endpoint): void {
    try {
      this.socket.send(data, to.port, to.ip, () => undefined);
    } catch {
      // Closed underneath us; the wait that needed it ends empty.
    }
  }

  /**
   * The first unread datagram `accept` takes, now or within `timeoutMs`; undefined if
   * none came. `resend`, if given, runs at once and then every `everyMs` until the end,
   * as a client repeats a datagram until it is answered.
   */
  waitFor(
    accept: (datagram: Datagram) => boolean,
    timeoutMs: number,
    resend?: { everyMs: number; send: () => void },
  ): Promise<Datagram | undefined> {
    return new Promise((resolve) => {
      let settled = false;
      const check = (): void => {
        const index = this.unread.findIndex(accept);
        if (index !== -1) finish(this.unread.splice(index, 1)[0]);
      };
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      const repeat = resend ? setInterval(resend.send, resend.everyMs) : undefined;
      const finish = (datagram: Datagram | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(repeat);
        this.arrivals.off('datagram', check);
        resolve(datagram);
      };
      this.arrivals.on('datagram', check);
      check();
      if (!settled) resend?.send();
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve(); // Already closed.
      }
    });
  }
}

/** A UDP socket on any port, of the family that can reach `host`. */
export async function bindUdp(host: string): Promise<Socket> {
  const ipv6 = isIPv6(host);
  const socket = createSocket(ipv6 ? 'udp6' : 'udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, ipv6 ? '::' : '0.0.0.0', () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return socket;
}

/** Did `datagram` come from `endpoint`? IPv6 addresses compare by value, not by spelling. */
export function cameFrom(datagram: Datagram, endpoint: Endpoint): boolean {
  if (datagram.port !== endpoint.port) return false;
  if (isIPv6(datagram.address) && isIPv6(endpoint.ip)) {
    const list = new BlockList();
    list.addAddress(endpoint.ip, 'ipv6');
    return list.check(datagram.address, 'ipv6');
  }
  return datagram.address === endpoint.ip;
}
