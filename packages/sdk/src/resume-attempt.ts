import type { WebSocket } from 'ws';
import {
  decodeFrame,
  encodeFrame,
  type ResumeRefusalReason,
  type ServerMessages,
} from '@orion/protocol';
import { closeWebSocket } from './websocket-link.js';

/** How one attempt to resume ended. */
export type AttemptOutcome =
  | { kind: 'resumed' }
  | { kind: 'refused'; reason: ResumeRefusalReason }
  /** The new socket closed before Orion answered `client_resume`. */
  | { kind: 'closed'; code: number }
  /** The new socket never opened (Orion unreachable, upgrade refused). */
  | { kind: 'failedToOpen' }
  | { kind: 'timedOut' }
  | { kind: 'cancelled' };

export interface ResumeAttemptOptions {
  /** Opens a new WebSocket to Orion. */
  dial(): WebSocket;
  /** The client's own token, the one to resume. */
  token: string;
  /**
   * How many chat messages the client has received in all: Orion replays exactly the ones
   * after those (the dropped socket may have been sent some it never delivered).
   */
  chatReceived: number;
  /** The limit for the whole attempt, from dialling to Orion's answer. */
  timeoutMs: number;
  /**
   * Called the moment `client_resumed` arrives, before any frame that follows it: the
   * socket now carries the client, and its next messages are the caller's to read.
   */
  onResumed(ws: WebSocket, summary: ServerMessages['client_resumed']): void;
}

/** Closing with 1000 leaves Orion; 1001 ("going away") is an unclean close, held away. */
const NORMAL_CLOSURE = 1000;
const GOING_AWAY = 1001;

/**
 * One try at taking the client back on a new socket: waits for that socket's own
 * `client_registered`, sends `client_resume` with the old token as its first frame, and
 * waits for the answer. A socket that did not resume the client is a client of its own on
 * the server; it is closed before the outcome is given, so that none is left over: with 1000
 * when refused or cancelled. A socket that timed out is closed with 1001 instead: a slow
 * server may have resumed the client on it after all, and 1000 would make that client
 * leave; 1001 leaves it away, for the next attempt (a server without a grace, the usual
 * reason for no answer, drops such a socket's client at once all the same).
 */
export class ResumeAttempt {
  readonly outcome: Promise<AttemptOutcome>;
  private finish: (outcome: AttemptOutcome) => void = () => undefined;
  private readonly ws: WebSocket;
  private readonly timer: NodeJS.Timeout;
  private opened = false;
  private done = false;
  /** Holds the token: a #private field, so that util.inspect never shows it. */
  readonly #options: ResumeAttemptOptions;

  constructor(options: ResumeAttemptOptions) {
    this.#options = options;
    this.outcome = new Promise((resolve) => (this.finish = resolve));
    this.ws = options.dial();
    this.ws.on('error', () => undefined);
    this.ws.once('open', () => (this.opened = true));
    this.ws.on('message', this.onMessage);
    this.ws.on('close', this.onClose);
    this.timer = setTimeout(
      () => this.endWith({ kind: 'timedOut' }, GOING_AWAY),
      options.timeoutMs,
    );
  }

  /** Gives up on this attempt; its socket is closed before `outcome` resolves. */
  cancel(): void {
    this.endWith({ kind: 'cancelled' });
  }

  private readonly onMessage = (data: Buffer, isBinary: boolean): void => {
    const frame = isBinary ? undefined : decodeFrame(data.toString());
    if (!frame || this.done) return;
    switch (frame.method) {
      case 'client_registered':
        // Its own, new token is of no use: the old one is the client's.
        this.ws.send(
          encodeFrame('client_resume', {
            token: this.#options.token,
            chatReceived: this.#options.chatReceived,
          }),
        );
        break;
      case 'client_resumed':
        this.stopListening();
        this.#options.onResumed(this.ws, frame.payload as ServerMessages['client_resumed']);
        this.finish({ kind: 'resumed' });
        break;
      case 'client_resumeRefused':
        this.endWith({
          kind: 'refused',
          reason: (frame.payload as ServerMessages['client_resumeRefused']).reason,
        });
        break;
    }
  };

  private readonly onClose = (code: number): void => {
    if (this.done) return;
    this.stopListening();
    this.finish(this.opened ? { kind: 'closed', code } : { kind: 'failedToOpen' });
  };

  /** Ends the attempt without the client: closes the socket, then tells how it ended. */
  private endWith(outcome: AttemptOutcome, closeCode = NORMAL_CLOSURE): void {
    if (this.done) return;
    this.stopListening();
    void closeWebSocket(this.ws, closeCode).then(() => this.finish(outcome));
  }

  private stopListening(): void {
    this.done = true;
    clearTimeout(this.timer);
    this.ws.off('message', this.onMessage);
    this.ws.off('close', this.onClose);
  }
}
