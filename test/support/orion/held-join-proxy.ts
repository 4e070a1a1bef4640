import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

const JOIN_ROUTE = /^\/lobbies\/[^/]+\/join$/;

/**
 * Orion's HTTP port as seen through a proxy that holds back Orion's answers to
 * `POST /lobbies/:lobbyId/join` until `release()`. Orion has taken the join when it answers, so
 * while the answer is held the lobby goes on without the joiner knowing it is in: a host can
 * start the mediation, and the joiner's WebSocket (passed through untouched) gets
 * `ptpMediation_send` and the peer list before its join returns. Loopback only.
 */
export class HeldJoinProxy {
  private readonly held: (() => void)[] = [];
  private readonly sockets = new Set<Socket>();
  private released = false;
  private joins = 0;

  private constructor(
    private readonly server: Server,
    private readonly orionPort: number,
  ) {
    server.on('connection', (socket) => this.track(socket));
    server.on('request', (req, res) => this.forward(req, res));
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      this.tunnel(req, socket, head),
    );
  }

  /** Listens on a free loopback port in front of Orion's HTTP port. */
  static async open(orionHttpPort: number): Promise<HeldJoinProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new HeldJoinProxy(server, orionHttpPort);
  }

  /** The `url` to give a client whose join answers must wait. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** How many join answers Orion has given so far, held or not. */
  get answeredJoins(): number {
    return this.joins;
  }

  /** Lets every held join answer go on, and every later one through at once. */
  release(): void {
    this.released = true;
    for (const send of this.held.splice(0)) send();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: this.orionPort,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        const send = () => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        };
        const isJoin = req.method === 'POST' && JOIN_ROUTE.test(req.url ?? '');
        if (isJoin) this.joins++;
        if (isJoin && !this.released) this.held.push(send);
        else send();
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }

  /** A WebSocket upgrade: the request goes on as it came, then bytes flow both ways untouched. */
  private tunnel(req: IncomingMessage, client: Socket, head: Buffer): void {
    this.track(client);
    const upstream = this.track(connect(this.orionPort, '127.0.0.1'));
    upstream.once('connect', () => {
      const headers: string[] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        headers.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      }
      upstream.write(
        `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n${headers.join('\r\n')}\r\n\r\n`,
      );
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    return socket;
  }
}
