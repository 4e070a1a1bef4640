import * as dgram from 'node:dgram';
import { WebSocket, type RawData } from 'ws';
import { withTimeout } from '../timing.js';
import { HOST, orion, seen } from './run.js';
import { decodeServerFrame, encode, type Json } from './wire.js';

export interface Msg {
  method: string;
  payload: Json;
  at: number;
}

/**
 * The tiny client: it speaks the wire format `method:base64(JSON)` on its own and checks
 * every frame the server sends.
 */
export class Client {
  readonly msgs: Msg[] = [];
  token = '';
  udp: dgram.Socket | undefined;
  udpLocalPort = 0;
  /** Answer every ptpMediation_send with a UDP ptpMediation_connect from this client's socket. */
  autoAnswer = false;
  udpAnswers = 0;
  private readonly consumed = new Set<number>();
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly label: string,
    readonly ws: WebSocket,
  ) {
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    ws.on('error', () => undefined);
  }

  static async connect(label: string, path = '/', withUdp = false): Promise<Client> {
    const ws = new WebSocket(`ws://${HOST}:${orion.httpPort}${path}`);
    const client = new Client(label, ws);
    seen.openClients.push(client);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      }),
      3000,
      `${label}: WebSocket open`,
    );
    const registered = await client.next('client_registered', 3000);
    if (typeof registered.payload.token === 'string') {
      client.token = registered.payload.token;
      seen.tokens.push(client.token);
    }
    if (withUdp) await client.bindUdp();
    return client;
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    seen.framesChecked++;
    const decoded = decodeServerFrame(data, isBinary);
    if (!decoded.ok) {
      seen.frameViolations.push(`${this.label}: ${decoded.problem}`);
      seen.allFrameViolations.push(`${this.label}: ${decoded.problem}`);
      return;
    }
    const msg: Msg = { method: decoded.method, payload: decoded.payload, at: Date.now() };
    this.msgs.push(msg);
    if (msg.method === 'ptpMediation_send' && this.autoAnswer) {
      const port = msg.payload.port;
      if (typeof port === 'number') this.sendUdpConnect(port);
    }
    for (const waiter of [...this.waiters]) waiter();
  }

  async bindUdp(): Promise<void> {
    const sock = dgram.createSocket('udp4');
    sock.on('error', () => undefined);
    await new Promise<void>((resolve) => sock.bind(0, HOST, () => resolve()));
    this.udp = sock;
    this.udpLocalPort = sock.address().port;
  }

  sendUdpRaw(data: string | Buffer, port = orion.udpPort): void {
    if (!this.udp) throw new Error(`${this.label} has no UDP socket`);
    this.udp.send(typeof data === 'string' ? Buffer.from(data, 'utf8') : data, port, HOST);
  }

  sendUdpConnect(port = orion.udpPort, token = this.token): void {
    this.udpAnswers++;
    this.sendUdpRaw(encode('ptpMediation_connect', { token }), port);
  }

  send(method: string, payload: unknown): void {
    this.ws.send(encode(method, payload));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  all(method: string): Msg[] {
    return this.msgs.filter((m) => m.method === method);
  }

  indexOf(msg: Msg): number {
    return this.msgs.indexOf(msg);
  }

  mark(): number {
    return this.msgs.length;
  }

  /** Messages received since `mark` whose method starts with `prefix`. */
  since(mark: number, prefix = ''): Msg[] {
    return this.msgs.slice(mark).filter((m) => m.method.startsWith(prefix));
  }

  methods(): string {
    return this.msgs.map((m) => m.method).join(', ') || '(none)';
  }

  waitUntil(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!cond()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(
            `${this.label}: timed out after ${timeoutMs} ms waiting for ${what}; received: ${this.methods()}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** The first not-yet-consumed message with this method (and matching `pred`). */
  async next(method: string, timeoutMs = 2000, pred?: (p: Json) => boolean): Promise<Msg> {
    let found: Msg | undefined;
    await this.waitUntil(
      () => {
        for (let i = 0; i < this.msgs.length; i++) {
          const m = this.msgs[i];
          if (!this.consumed.has(i) && m.method === method && (!pred || pred(m.payload))) {
            this.consumed.add(i);
            found = m;
            return true;
          }
        }
        return false;
      },
      timeoutMs,
      method,
    );
    return found as Msg;
  }

  waitCount(method: string, n: number, timeoutMs: number): Promise<void> {
    return this.waitUntil(() => this.all(method).length >= n, timeoutMs, `${n} x ${method}`);
  }

  async close(): Promise<void> {
    if (this.udp) {
      const sock = this.udp;
      this.udp = undefined;
      await new Promise<void>((resolve) => sock.close(() => resolve()));
    }
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.ws.once('close', () => resolve()));
    this.ws.close();
    try {
      await withTimeout(closed, 2000, `${this.label}: WebSocket close`);
    } catch {
      this.ws.terminate();
    }
  }
}
