import { Injectable, Logger } from '@nestjs/common';
import type { Writable } from 'node:stream';
import { WebSocket } from 'ws';
import type { ClientMessenger } from '../common/client-messenger.js';
import { CloseCode, encodeFrame, type ServerMessages, type ServerMethod } from '@orion/protocol';
import { OrionEventBus } from '../common/orion-events.js';
import { OrionConfig } from '../config/orion-config.js';
import { RecentChat } from './recent-chat.js';

/** WebSocket close code 1008 (policy violation): the client let too much unread data pile up. */
export const SLOW_READER_CLOSE_CODE = CloseCode.POLICY_VIOLATION;
export const SLOW_READER_CLOSE_REASON = 'Too many unread messages.';
/**
 * How long a client over the limit has to take the close frame before its connection is
 * cut: one that reads again sees 1008; one that never reads holds its buffer no longer.
 */
export const SLOW_READER_GRACE_MS = 1_000;

type ChatPayload = ServerMessages['lobby_messaging_received'];

/** One server message with its method. */
export type OutgoingMessage = {
  [M in ServerMethod]: { method: M; payload: ServerMessages[M] };
}[ServerMethod];

/** Messages that only ever answer a client's WebSocket message: safe to coalesce. */
const COALESCED_METHODS: ReadonlySet<ServerMethod> = new Set(['lobby_messaging_received']);

/**
 * The live WebSocket of each connected client, by internal client id. It is the
 * in-process {@link ClientMessenger}: a message for a client without an open socket
 * is dropped, since that client is gone.
 *
 * Chat deliveries to one client during one turn of the event loop leave in one write:
 * the first corks the client's TCP transport, and a single `setImmediate` uncorks every
 * corked transport once the turn's I/O callbacks have run. Under chat load a member that
 * gets k messages in a turn then costs one `writev` instead of k, and those writes are
 * most of the server's CPU per delivery. Every other message is written at once, and
 * first flushes what is corked for that client, so it keeps its order relative to the
 * HTTP response that caused it (e.g. `lobby_peerConnect` before the join's 200).
 *
 * A message to several clients is encoded once into one buffer that every socket's queue
 * shares. What a socket may hold unsent is bounded by `maxBufferedBytes`: a client that
 * stops reading is closed with 1008 rather than let the server's memory grow.
 *
 * It also remembers which sockets the server itself ended (heartbeat, slow reader, drain,
 * shutdown, a client's protocol error): such a client gets no reconnection grace. With
 * reconnection on, every chat message for a client attached here or away from here is also
 * recorded in {@link RecentChat}, for its resume.
 */
@Injectable()
export class ClientRegistry implements ClientMessenger {
  private readonly logger = new Logger(ClientRegistry.name);
  private readonly socketsById = new Map<string, WebSocket>();
  private readonly idsBySocket = new WeakMap<WebSocket, string>();
  private readonly transports = new WeakMap<WebSocket, Writable>();
  private corked: { socket: WebSocket; transport: Writable }[] = [];
  private readonly endedHere = new WeakSet<WebSocket>();
  /** Messages for resumed clients, held until their resume summary has gone out. */
  private readonly heldForResume = new Map<string, OutgoingMessage[]>();
  private readonly maxBufferedBytes: number;

  constructor(
    config: OrionConfig,
    private readonly events: OrionEventBus,
    private readonly recentChat: RecentChat,
  ) {
    this.maxBufferedBytes = config.maxBufferedBytes;
  }

  /**
   * @param transport the TCP socket under `socket` (the upgrade request's socket); without
   *   it, frames to this client are written one by one.
   */
  attach(clientId: string, socket: WebSocket, transport?: Writable): void {
    this.socketsById.set(clientId, socket);
    this.idsBySocket.set(socket, clientId);
    if (transport) this.transports.set(socket, transport);
  }

  /** Forgets the socket and returns the id of the client it carried. */
  detach(socket: WebSocket): string | undefined {
    const clientId = this.idsBySocket.get(socket);
    if (clientId === undefined) return undefined;
    this.idsBySocket.delete(socket);
    if (this.socketsById.get(clientId) === socket) {
      this.socketsById.delete(clientId);
      this.heldForResume.delete(clientId);
    }
    return clientId;
  }

  /**
   * Moves `socket` to `clientId` (a resume), keeping its transport; returns the id it carried.
   * Any other socket of `clientId` must have been detached first.
   */
  reattach(socket: WebSocket, clientId: string): string | undefined {
    const previous = this.detach(socket);
    this.socketsById.set(clientId, socket);
    this.idsBySocket.set(socket, clientId);
    // What is sent to the client from now on waits for releaseResumed, so that the resume
    // summary comes first.
    this.heldForResume.set(clientId, []);
    return previous;
  }

  /**
   * Ends the hold {@link reattach} began: sends `first`, then what was held meanwhile, in
   * order. A client whose socket closed meanwhile gets nothing (chat is kept if it is away).
   */
  releaseResumed(clientId: string, first: readonly OutgoingMessage[]): void {
    const held = this.heldForResume.get(clientId) ?? [];
    this.heldForResume.delete(clientId);
    // Not recorded again: what was held was recorded when sent, and replayed chat before.
    for (const { method, payload } of [...first, ...held]) {
      this.deliver([clientId], method, payload as never, false);
    }
  }

  /** The socket carrying `clientId` here, if any. */
  socketOf(clientId: string): WebSocket | undefined {
    return this.socketsById.get(clientId);
  }

  /**
   * Records that the server ends this socket (its close is then no client's vanishing, and
   * gets no reconnection grace). Call it before closing or terminating the socket.
   */
  markEndedByServer(socket: WebSocket): void {
    this.endedHere.add(socket);
  }

  endedByServer(socket: WebSocket): boolean {
    return this.endedHere.has(socket);
  }

  /** Every registered client's socket, for work that reaches all of them (heartbeat, drain). */
  sockets(): IterableIterator<WebSocket> {
    return this.socketsById.values();
  }

  /** Closes every registered socket with `code`; their close events then clean up. */
  closeAll(code: number, reason: string): void {
    for (const socket of [...this.socketsById.values()]) {
      this.markEndedByServer(socket);
      socket.close(code, reason);
    }
  }

  /** Frames are handed to the sockets as they are sent: nothing waits here. */
  async flushed(): Promise<void> {}

  /** True when this process holds the client's socket. */
  holds(clientId: string): boolean {
    return this.socketsById.has(clientId);
  }

  clientIdOf(socket: WebSocket): string | undefined {
    return this.idsBySocket.get(socket);
  }

  send<M extends ServerMethod>(clientId: string, method: M, payload: ServerMessages[M]): void {
    this.sendMany([clientId], method, payload);
  }

  sendMany<M extends ServerMethod>(
    clientIds: readonly string[],
    method: M,
    payload: ServerMessages[M],
  ): void {
    this.deliver(
      clientIds,
      method,
      payload,
      this.recentChat.enabled && method === 'lobby_messaging_received',
    );
  }

  /** Sends to each client's socket; `keep` records chat for reconnection first. */
  private deliver<M extends ServerMethod>(
    clientIds: readonly string[],
    method: M,
    payload: ServerMessages[M],
    keep: boolean,
  ): void {
    const coalesce = COALESCED_METHODS.has(method);
    let frame: Buffer | undefined;
    for (const clientId of clientIds) {
      const socket = this.socketsById.get(clientId);
      // Recorded even when the write below cannot reach the client: its resume replays it.
      if (keep) this.recentChat.record(clientId, payload as ChatPayload, socket !== undefined);
      if (!socket) continue;
      if (socket.readyState !== WebSocket.OPEN) continue;
      if (this.heldForResume.size > 0) {
        const held = this.heldForResume.get(clientId);
        if (held) {
          held.push({ method, payload } as OutgoingMessage);
          continue;
        }
      }
      const transport = this.transports.get(socket);
      if (coalesce && transport) this.corkUntilTurnEnds(socket, transport);
      // One buffer for every recipient: ws queues it by reference, never copies it.
      frame ??= Buffer.from(encodeFrame(method, payload));
      // A failed write surfaces as the socket's 'error' and 'close' events, handled elsewhere.
      socket.send(frame, { binary: false });
      // Our cork is the only one: uncorking writes the coalesced chat, then this frame.
      if (!coalesce && transport && transport.writableCorked > 0) transport.uncork();
      // Corked bytes wait for the end of the turn, not for the client: they are checked then.
      if (!transport || transport.writableCorked === 0) this.enforceBufferLimit(socket);
    }
  }

  /** What the kernel did not take stays with us: past the limit, the client is not reading. */
  private enforceBufferLimit(socket: WebSocket): void {
    if (socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount > this.maxBufferedBytes) this.closeSlowReader(socket);
  }

  /**
   * Closes a socket whose unsent data passed the limit. The close frame queues behind
   * that data, so the connection is cut shortly after in any case; its close event then
   * cleans the client up like any departure.
   */
  private closeSlowReader(socket: WebSocket): void {
    this.logger.debug(
      { clientId: this.idsBySocket.get(socket), bufferedBytes: socket.bufferedAmount },
      'Closing a client that stopped reading',
    );
    this.events.emit('ws.closed', { reason: 'send_buffer_full' });
    this.markEndedByServer(socket);
    socket.close(SLOW_READER_CLOSE_CODE, SLOW_READER_CLOSE_REASON);
    setTimeout(() => socket.terminate(), SLOW_READER_GRACE_MS).unref();
  }

  private corkUntilTurnEnds(socket: WebSocket, transport: Writable): void {
    if (transport.writableCorked > 0) return;
    transport.cork();
    if (this.corked.push({ socket, transport }) === 1) setImmediate(this.uncorkAll);
  }

  private readonly uncorkAll = (): void => {
    const corked = this.corked;
    this.corked = [];
    // Already flushed, ended or destroyed transports make this a no-op.
    for (const { socket, transport } of corked) {
      if (transport.writableCorked === 0) continue;
      transport.uncork();
      this.enforceBufferLimit(socket);
    }
  };
}
