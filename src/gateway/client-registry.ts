import { Injectable } from '@nestjs/common';
import type { Writable } from 'node:stream';
import { WebSocket } from 'ws';
import type { ClientMessenger } from '../common/client-messenger.js';
import { encodeFrame } from '../common/frame-codec.js';
import type { ServerMessages, ServerMethod } from '../common/server-messages.js';

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
 */
@Injectable()
export class ClientRegistry implements ClientMessenger {
  private readonly socketsById = new Map<string, WebSocket>();
  private readonly idsBySocket = new WeakMap<WebSocket, string>();
  private readonly transports = new WeakMap<WebSocket, Writable>();
  private corked: Writable[] = [];

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
    if (this.socketsById.get(clientId) === socket) this.socketsById.delete(clientId);
    return clientId;
  }

  /** Every registered client's socket, for work that reaches all of them (heartbeat, drain). */
  sockets(): IterableIterator<WebSocket> {
    return this.socketsById.values();
  }

  /** Closes every registered socket with `code`; their close events then clean up. */
  closeAll(code: number, reason: string): void {
    for (const socket of [...this.socketsById.values()]) socket.close(code, reason);
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
    const coalesce = COALESCED_METHODS.has(method);
    let frame: string | undefined;
    for (const clientId of clientIds) {
      const socket = this.socketsById.get(clientId);
      if (!socket || socket.readyState !== WebSocket.OPEN) continue;
      const transport = this.transports.get(socket);
      if (coalesce && transport) this.corkUntilTurnEnds(transport);
      // A failed write surfaces as the socket's 'error' and 'close' events, handled elsewhere.
      socket.send((frame ??= encodeFrame(method, payload)));
      // Our cork is the only one: uncorking writes the coalesced chat, then this frame.
      if (!coalesce && transport && transport.writableCorked > 0) transport.uncork();
    }
  }

  private corkUntilTurnEnds(transport: Writable): void {
    if (transport.writableCorked > 0) return;
    transport.cork();
    if (this.corked.push(transport) === 1) setImmediate(this.uncorkAll);
  }

  private readonly uncorkAll = (): void => {
    const corked = this.corked;
    this.corked = [];
    // Already flushed, ended or destroyed transports make this a no-op.
    for (const transport of corked) if (transport.writableCorked > 0) transport.uncork();
  };
}
