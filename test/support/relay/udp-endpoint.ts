import { createSocket, type Socket } from 'node:dgram';
import { waitUntil } from '../timing.js';

/** One datagram as a socket received it: the bytes and where they came from. */
export interface Datagram {
  data: Buffer;
  address: string;
  port: number;
}

/**
 * A plain UDP socket on 127.0.0.1 that records every datagram it receives, standing for
 * a game's socket (ENet or the like) behind a NAT.
 */
export class UdpEndpoint {
  readonly received: Datagram[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('message', (data, from) =>
      this.received.push({ data, address: from.address, port: from.port }),
    );
  }

  static async open(): Promise<UdpEndpoint> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve());
    });
    return new UdpEndpoint(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(data: string | Buffer, port: number): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.send(data, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
    );
  }

  /** Datagrams received after the first `mark` ones. */
  since(mark: number): Datagram[] {
    return this.received.slice(mark);
  }

  /** Waits until more than `mark + count - 1` datagrams have arrived in all. */
  async waitForCount(count: number, what: string, timeoutMs = 3_000, mark = 0): Promise<void> {
    await waitUntil(() => this.received.length - mark >= count, what, timeoutMs);
  }

  close(): void {
    try {
      this.socket.close();
    } catch {
      // Already closed.
    }
  }
}

/** Every UDP socket a test opens, so that afterEach can close them all. */
export class UdpEndpointPool {
  private readonly endpoints: UdpEndpoint[] = [];

  async open(): Promise<UdpEndpoint> {
    const endpoint = await UdpEndpoint.open();
    this.endpoints.push(endpoint);
    return endpoint;
  }

  closeAll(): void {
    for (const endpoint of this.endpoints.splice(0)) endpoint.close();
  }
}
