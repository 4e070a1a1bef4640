import { createSocket, type Socket } from 'node:dgram';
import { WebSocket, type ClientOptions } from 'ws';
import { decodeFrame, encodeFrame, type ServerMessages, type ServerMethod } from '@orion/protocol';

export interface ReceivedMessage {
  method: string;
  payload: Record<string, unknown>;
}

/**
 * A minimal Orion client for e2e tests: a WebSocket that records every server message,
 * and a UDP socket of its own for `ptpMediation_connect`.
 */
export class TestClient {
  readonly received: ReceivedMessage[] = [];
  token = '';
  private waiters: { method: string; resolve: (m: ReceivedMessage) => void }[] = [];
  private cursor = new Map<string, number>();
  private udp: Socket | undefined;
  private udpBound: Promise<Socket> | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const frame = isBinary ? undefined : decodeFrame(data.toString());
      if (!frame) throw new Error(`Server sent an undecodable frame: ${data.toString()}`);
      const message = { method: frame.method, payload: frame.payload };
      this.received.push(message);
      this.flushWaiters();
    });
  }

  /**
   * Opens a WebSocket (any path) and waits for `client_registered`. `options` reach the
   * ws client: extra headers, or `autoPong: false` for a client that ignores pings.
   */
  static async connect(
    wsUrl: string,
    path = '/',
    options: ClientOptions = {},
  ): Promise<TestClient> {
    const ws = new WebSocket(wsUrl + path, options);
    const client = new TestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const registered = await client.next('client_registered');
    client.token = registered.token;
    return client;
  }

  /**
   * The next not-yet-consumed message with `method`, waiting up to `timeoutMs`.
   * Each call consumes one message of that method, in arrival order.
   */
  async next<M extends ServerMethod>(method: M, timeoutMs = 3_000): Promise<ServerMessages[M]> {
    const message = await new Promise<ReceivedMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${method}`));
      }, timeoutMs);
      const done = (m: ReceivedMessage) => {
        clearTimeout(timer);
        resolve(m);
      };
      this.waiters.push({ method, resolve: done });
      this.flushWaiters();
    });
    return message.payload as ServerMessages[M];
  }

  /** Messages of `method` received so far (consumed or not). */
  all<M extends ServerMethod>(method: M): ServerMessages[M][] {
    return this.received
      .filter((m) => m.method === method)
      .map((m) => m.payload as ServerMessages[M]);
  }

  /** Methods received so far, in order. */
  get methods(): string[] {
    return this.received.map((m) => m.method);
  }

  send(method: string, payload: object): void {
    this.ws.send(encodeFrame(method, payload));
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** The client's own UDP socket, bound on first use to an ephemeral loopback port. */
  udpSocket(): Promise<Socket> {
    if (!this.udpBound) {
      // Kept before the bind completes, so that close() during the bind still closes it.
      const socket = (this.udp = createSocket('udp4'));
      this.udpBound = new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket)));
    }
    return this.udpBound;
  }

  async udpPort(): Promise<number> {
    return (await this.udpSocket()).address().port;
  }

  /** Sends `ptpMediation_connect` (or any raw datagram) to the server's UDP port. */
  async sendUdp(serverPort: number, datagram?: string | Buffer): Promise<void> {
    const socket = await this.udpSocket();
    const data = datagram ?? encodeFrame('ptpMediation_connect', { token: this.token });
    await new Promise<void>((resolve, reject) =>
      socket.send(data, serverPort, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
    );
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /**
   * Closes the socket, by default without a status code (the server sees 1005); with
   * `code` 1000 the close is a clean one, which the reconnection grace never applies to.
   */
  async close(code?: number): Promise<void> {
    this.udp?.close();
    this.udp = undefined;
    this.udpBound = undefined;
    if (this.ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close(code);
    });
  }

  private flushWaiters(): void {
    for (const waiter of [...this.waiters]) {
      const from = this.cursor.get(waiter.method) ?? 0;
      const index = this.received.findIndex((m, i) => i >= from && m.method === waiter.method);
      if (index === -1) continue;
      this.cursor.set(waiter.method, index + 1);
      this.waiters = this.waiters.filter((w) => w !== waiter);
      waiter.resolve(this.received[index]);
    }
  }
}
