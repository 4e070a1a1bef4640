import { createSocket, type Socket } from 'node:dgram';

const DETOUR_HOST = '127.0.0.2';

/**
 * Makes clients unreachable by punching, on loopback. A client given `udpHost: host`
 * sends its `ptpMediation_connect` here; the detour passes it on to Orion from a socket
 * of its own, one per client, so Orion hands that socket out as the client's endpoint.
 * Hellos sent there land nowhere, as behind two symmetric NATs; the client's own socket
 * can still reach Orion's relay ports directly.
 */
export class ConnectDetour {
  // Promises, so that two connects from one client racing the bind share one socket.
  private readonly outbound = new Map<string, Promise<Socket>>();

  private constructor(
    private readonly inbound: Socket,
    private readonly orionUdpPort: number,
  ) {
    inbound.on('message', (datagram, from) => {
      if (!datagram.toString('latin1', 0, 21).startsWith('ptpMediation_connect:')) return;
      void this.outboundFor(`${from.address}:${from.port}`).then((socket) =>
        socket.send(datagram, orionUdpPort, '127.0.0.1'),
      );
    });
  }

  /** Listens on 127.0.0.2 at Orion's UDP port number (Orion itself is on 127.0.0.1). */
  static async open(orionUdpPort: number): Promise<ConnectDetour> {
    const inbound = await bound(orionUdpPort, DETOUR_HOST);
    return new ConnectDetour(inbound, orionUdpPort);
  }

  /** The `udpHost` to give a client that must not be reachable by punching. */
  readonly host = DETOUR_HOST;

  /** How many clients' connects went through. */
  get clients(): number {
    return this.outbound.size;
  }

  async close(): Promise<void> {
    const sockets = [this.inbound, ...(await Promise.all(this.outbound.values()))];
    this.outbound.clear();
    for (const socket of sockets) socket.close();
  }

  // Whatever peers send to the endpoint Orion gave out lands on this socket and is dropped.
  private outboundFor(client: string): Promise<Socket> {
    let socket = this.outbound.get(client);
    if (!socket) {
      socket = bound(0, '127.0.0.1');
      this.outbound.set(client, socket);
    }
    return socket;
  }
}

function bound(port: number, host: string): Promise<Socket> {
  const socket = createSocket('udp4');
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}
