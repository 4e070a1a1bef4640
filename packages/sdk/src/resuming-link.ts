import { WebSocket } from 'ws';
import { decodeFrame, encodeFrame, type ServerMessages, type ServerMethod } from '@orion/protocol';
import { PendingFrames, stillWanted } from './pending-frames.js';
import type { ReconnectSettings } from './reconnect-options.js';
import { Reconnection, reconnectsAfter } from './reconnection.js';
import { ResumeAttempt } from './resume-attempt.js';
import { closeWebSocket } from './websocket-link.js';

/** What the link tells its client. */
export interface LinkHandlers {
  message(method: ServerMethod, payload: Record<string, unknown>): void;
  /** The socket dropped and the link is reconnecting. */
  away(code: number): void;
  /** Resumed on a new socket; frames kept meanwhile have just been sent. */
  back(summary: ServerMessages['client_resumed']): void;
  /** Closed for good, with the code of the close that ended it (or started the reconnection). */
  closed(code: number, why?: string): void;
}

export interface ResumeConfig {
  settings: ReconnectSettings;
  /** Opens a new WebSocket to Orion. */
  dial(): WebSocket;
  token: string;
}

/**
 * The client's connection to Orion across sockets. Without resuming it is the one WebSocket,
 * as it always was. With it, a socket that drops without a clean close is replaced through
 * a {@link Reconnection}; meanwhile frames wait in a bounded queue, and the client hears
 * `closed` only once the link is finally down.
 */
export class ResumingLink {
  private ws: WebSocket;
  private state: 'live' | 'away' | 'closed' = 'live';
  private closeRequested = false;
  /** Holds the token: a #private field, so that util.inspect never shows it. */
  #resume: ResumeConfig | undefined;
  private reconnection: Reconnection | undefined;
  private reconnecting: Promise<void> | undefined;
  private readonly pending = new PendingFrames();
  /** Chat messages received on any of the client's sockets: the cursor of a resume. */
  private chatReceived = 0;

  constructor(
    ws: WebSocket,
    private readonly handlers: LinkHandlers,
  ) {
    this.ws = ws;
    this.attach(ws);
  }

  /** From now on a dropped socket is resumed as `config` says (once the client is registered). */
  resumeWith(config: ResumeConfig): void {
    this.#resume = config;
  }

  /** Open, or reconnecting: sends are taken. */
  get isOpen(): boolean {
    return (
      this.state === 'away' || (this.state === 'live' && this.ws.readyState === WebSocket.OPEN)
    );
  }

  /**
   * Sends now (true), or keeps the frame for when the link is back (false). Throws when the
   * link is closed, or when too many frames of that kind wait already.
   */
  send(method: string, payload: Record<string, unknown>): boolean {
    if (this.state === 'live' && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(encodeFrame(method, payload));
      return true;
    }
    // A socket may be closing before its close event tells us: keep the frame as when away.
    if (this.state === 'away' || (this.state === 'live' && this.#resume && !this.closeRequested)) {
      this.pending.push({ method, payload });
      return false;
    }
    throw new Error(`Cannot send ${method}: the connection to Orion is closed.`);
  }

  /** Cuts the socket as a failed network does: no close frame, so Orion sees 1006. */
  drop(): void {
    if (this.state === 'live') this.ws.terminate();
  }

  /** Closes with 1000, stopping a reconnection under way; resolves once closed. */
  async close(): Promise<void> {
    this.closeRequested = true;
    if (this.state === 'away') {
      this.reconnection?.cancel();
      await this.reconnecting;
    }
    if (this.state === 'live') await closeWebSocket(this.ws);
  }

  private attach(ws: WebSocket): void {
    ws.on('message', (data, isBinary) => {
      if (ws !== this.ws) return;
      const frame = isBinary ? undefined : decodeFrame(data.toString());
      if (!frame) return;
      if (frame.method === 'lobby_messaging_received') this.chatReceived++;
      this.handlers.message(frame.method as ServerMethod, frame.payload);
    });
    // Errors surface as the close that follows; never as a throw.
    ws.on('error', () => undefined);
    ws.on('close', (code) => {
      if (ws === this.ws) this.onClose(code);
    });
  }

  private onClose(code: number): void {
    if (this.closeRequested || !this.#resume || !reconnectsAfter(code)) {
      this.finish(code);
      return;
    }
    this.state = 'away';
    const resume = this.#resume;
    const reconnection = new Reconnection({
      settings: resume.settings,
      attempt: (timeoutMs) =>
        new ResumeAttempt({
          dial: resume.dial,
          token: resume.token,
          chatReceived: this.chatReceived,
          timeoutMs,
          onResumed: (ws, summary) => this.resumed(ws, summary),
        }),
    });
    this.reconnection = reconnection;
    this.reconnecting = reconnection.ended.then(async (end) => {
      this.reconnection = undefined;
      if (end.kind === 'resumed' && !this.closeRequested) return;
      // Resumed just as close() cancelled: that socket is closed too, and nobody hears back.
      if (end.kind === 'resumed') await closeWebSocket(this.ws);
      this.finish(code, end.kind === 'gaveUp' ? end.why : undefined);
    });
    this.handlers.away(code);
  }

  /** Called before any frame that follows `client_resumed` on `ws`: nothing is missed. */
  private resumed(ws: WebSocket, summary: ServerMessages['client_resumed']): void {
    this.ws = ws;
    if (this.closeRequested) return;
    this.attach(ws);
    this.state = 'live';
    for (const frame of this.pending.takeAll()) {
      if (stillWanted(frame, summary)) ws.send(encodeFrame(frame.method, frame.payload));
    }
    this.handlers.back(summary);
  }

  private finish(code: number, why?: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.pending.takeAll();
    this.handlers.closed(code, why);
  }
}
