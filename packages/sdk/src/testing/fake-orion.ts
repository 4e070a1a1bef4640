import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  CloseCode,
  decodeFrame,
  encodeFrame,
  type Frame,
  type ResumeRefusalReason,
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

/** How the fake answers `client_resume`: `silent` is a server without a grace. */
export type ResumeAnswer =
  | { resumed: ServerMessages['client_resumed'] }
  | { refused: ResumeRefusalReason }
  | { close: number }
  | 'silent';

/** Answers HTTP with `handler`, registers every WebSocket, and records what clients send. */
export class FakeOrion {
  readonly requests: { method: string; path: string; body: unknown }[] = [];
  readonly frames: Frame[] = [];
  /** The close code each socket ended with, in connection order; undefined while open. */
  readonly closeCodes: (number | undefined)[] = [];
  /** How `client_resume` is answered, given the token it carries and the socket's index. */
  resumeWith: (token: string, socketIndex: number) => ResumeAnswer = () => 'silent';
  private readonly sockets: WebSocket[] = [];
  private readonly wss: WebSocketServer;
  private joinsHeld: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    public handler: HttpHandler,
  ) {
    this.wss = new WebSocketServer({ server });
    this.wss.on('connection', (ws) => {
      const index = this.sockets.push(ws) - 1;
      this.closeCodes.push(undefined);
      ws.on('close', (code) => (this.closeCodes[index] = code));
      ws.on('message', (data) => {
        const frame = decodeFrame(data.toString());
        if (frame) this.frames.push(frame);
        if (frame?.method === 'client_resume') {
          this.answerResume(ws, this.resumeWith(String(frame.payload.token), index));
        }
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

  /** Cuts every client's WebSocket without a close frame, as a failed network does. */
  terminateAll(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  /** How many sockets are open right now. */
  get openSockets(): number {
    return this.sockets.filter((ws) => ws.readyState === ws.OPEN).length;
  }

  /** Frames with `method` received so far. */
  framesOf(method: string): Frame[] {
    return this.frames.filter((frame) => frame.method === method);
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

  private answerResume(ws: WebSocket, answer: ResumeAnswer): void {
    if (answer === 'silent') return;
    if ('close' in answer) ws.close(answer.close);
    else if ('resumed' in answer) ws.send(encodeFrame('client_resumed', answer.resumed));
    else ws.send(encodeFrame('client_resumeRefused', { reason: answer.refused }));
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
