import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  CloseCode,
  decodeFrame,
  encodeFrame,
  type Frame,
  type ServerMessages,
  type ServerMethod,
} from '@orion/protocol';

/** A scripted stand-in for Orion on 127.0.0.1, for the SDK's unit specs; excluded from the build. */

export type HttpAnswer = { status: number; body?: unknown; raw?: string };
export type HttpHandler = (
  method: string,
  path: string,
  body: unknown,
) => HttpAnswer | Promise<HttpAnswer>;

export const FAKE_TOKEN = 'fake-token-0123456789';

/** Answers HTTP with `handler`, registers every WebSocket, and records what clients send. */
export class FakeOrion {
  readonly requests: { method: string; path: string; body: unknown }[] = [];
  readonly frames: Frame[] = [];
  private readonly sockets: WebSocket[] = [];
  private readonly wss: WebSocketServer;
  private joinsHeld: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    public handler: HttpHandler,
  ) {
    this.wss = new WebSocketServer({ server });
    this.wss.on('connection', (ws) => {
      this.sockets.push(ws);
      ws.on('message', (data) => {
        const frame = decodeFrame(data.toString());
        if (frame) this.frames.push(frame);
      });
      ws.send(encodeFrame('client_registered', { token: FAKE_TOKEN }));
    });
  }

  static async start(handler: HttpHandler = defaultHandler): Promise<FakeOrion> {
    const server = createServer();
    const fake = new FakeOrion(server, handler);
    server.on('request', (request, response) => fake.answer(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Sends a server message to every connected client. */
  broadcast<M extends ServerMethod>(method: M, payload: ServerMessages[M]): void {
    for (const ws of this.sockets) ws.send(encodeFrame(method, payload));
  }

  /**
   * Holds the answers to `POST /lobbies/:lobbyId/join` (the join is taken, the answer is
   * slow) until the returned function is called; meanwhile `broadcast` still reaches clients.
   */
  holdJoins(): () => void {
    let release!: () => void;
    this.joinsHeld = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.joinsHeld = undefined;
      release();
    };
  }

  /** Closes every client's WebSocket with `code`, as a server going away would. */
  disconnectAll(code: number = CloseCode.GOING_AWAY): void {
    for (const ws of this.sockets) ws.close(code);
  }

  /** Resolves once a frame with `method` has arrived, or fails after `timeoutMs`. */
  async frame(method: string, timeoutMs = 2_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find((frame) => frame.method === method);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${method} frame within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      const body = text === '' ? undefined : (JSON.parse(text) as unknown);
      this.requests.push({ method: request.method!, path: request.url!, body });
      void this.answerOf(request.method!, request.url!, body).then((answer) => {
        const payload =
          answer.raw ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
        response.writeHead(answer.status, { 'content-type': 'application/json' }).end(payload);
      });
    });
  }

  private async answerOf(method: string, path: string, body: unknown): Promise<HttpAnswer> {
    const held = method === 'POST' && path.endsWith('/join') ? this.joinsHeld : undefined;
    const answer = await this.handler(method, path, body);
    await held;
    return answer;
  }
}

/** Every lobby request succeeds: hosting gives lobby K7Q2Z, a join the lobby it names. */
function defaultHandler(method: string, path: string): HttpAnswer {
  if (method === 'POST' && path === '/lobbies') {
    return { status: 201, body: { lobbyId: 'K7Q2Z', lobbyName: 'Fake' } };
  }
  if (method === 'POST' && path.endsWith('/join')) {
    return {
      status: 200,
      body: {
        lobbyId: path.split('/')[2].toUpperCase(),
        lobbyName: 'Fake',
        lobbyMembers: ['Host', 'Ann'],
        host: 'Host',
      },
    };
  }
  if (method === 'POST' && path.endsWith('/ptp/start')) return { status: 200 };
  if (method === 'POST' && path.endsWith('/leave')) {
    return { status: 200, body: { lobbyId: path.split('/')[2].toUpperCase() } };
  }
  if (method === 'POST' && path.startsWith('/lobbies/quick-join')) {
    return {
      status: 200,
      body: { lobbyId: 'Q1Q1Q', lobbyName: 'Fake', lobbyMembers: ['Host', 'Ann'], host: 'Host' },
    };
  }
  if (method === 'GET' && path === '/lobbies') return { status: 200, body: { lobbies: [] } };
  return { status: 404, body: { errors: ['No such route.'] } };
}
