import { createSocket, type Socket } from 'node:dgram';
import { WebSocket } from 'ws';
import { decodeFrame } from '@orion/protocol';
import type { ReceivedMessage } from '../clients/test-client.js';

/**
 * A client for fuzzing. Unlike TestClient, which throws on a frame it cannot decode,
 * it keeps whatever the server sends, so that a garbled server frame becomes a
 * readable test failure instead of an uncaught error; and it has no waiting helpers,
 * since fuzzing never waits for a particular message.
 */
export class FuzzClient {
  readonly received: ReceivedMessage[] = [];
  /** Server frames that are not Orion frames (binary, or not `method:base64(JSON)`). */
  readonly undecodable: string[] = [];
  /** Errors the socket reported after it opened (kept, so that none goes unhandled). */
  readonly errors: string[] = [];
  token = '';
  private udp: Socket | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => this.record(data, isBinary));
  }

  /** Opens a WebSocket and waits for `client_registered`. */
  static async connect(wsUrl: string): Promise<FuzzClient> {
    const client = new FuzzClient(new WebSocket(wsUrl));
    await new Promise<void>((resolve, reject) => {
      const registered = () => {
        const message = client.received.find(({ method }) => method === 'client_registered');
        if (!message) return;
        client.token = String(message.payload.token);
        client.ws.off('message', registered).off('error', reject);
        client.ws.on('error', (error) => client.errors.push(error.message));
        resolve();
      };
      client.ws.on('message', registered).once('error', reject);
    });
    return client;
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** Sends a datagram from this client's own UDP socket, bound on first use. */
  async sendUdp(serverPort: number, datagram: string | Buffer): Promise<void> {
    if (!this.udp) {
      const socket = createSocket('udp4');
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
      this.udp = socket;
    }
    const socket = this.udp;
    await new Promise<void>((resolve, reject) =>
      socket.send(datagram, serverPort, '127.0.0.1', (error) =>
        error ? reject(error) : resolve(),
      ),
    );
  }

  async close(): Promise<void> {
    this.udp?.close();
    this.udp = undefined;
    if (this.ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }

  private record(data: Buffer, isBinary: boolean): void {
    const frame = isBinary ? undefined : decodeFrame(data.toString());
    if (frame) this.received.push({ method: frame.method, payload: frame.payload });
    else this.undecodable.push(data.toString().slice(0, 300));
  }
}
