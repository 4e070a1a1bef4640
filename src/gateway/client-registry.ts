import { Injectable } from '@nestjs/common';
import { WebSocket } from 'ws';
import type { ClientMessenger } from '../common/client-messenger.js';
import { encodeFrame } from '../common/frame-codec.js';
import type { ServerMessages, ServerMethod } from '../common/server-messages.js';

/**
 * The live WebSocket of each connected client, by internal client id. It is the
 * in-process {@link ClientMessenger}: a message for a client without an open socket
 * is dropped, since that client is gone.
 */
@Injectable()
export class ClientRegistry implements ClientMessenger {
  private readonly socketsById = new Map<string, WebSocket>();
  private readonly idsBySocket = new WeakMap<WebSocket, string>();

  attach(clientId: string, socket: WebSocket): void {
    this.socketsById.set(clientId, socket);
    this.idsBySocket.set(socket, clientId);
  }

  /** Forgets the socket and returns the id of the client it carried. */
  detach(socket: WebSocket): string | undefined {
    const clientId = this.idsBySocket.get(socket);
    if (clientId === undefined) return undefined;
    this.idsBySocket.delete(socket);
    if (this.socketsById.get(clientId) === socket) this.socketsById.delete(clientId);
    return clientId;
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
    let frame: string | undefined;
    for (const clientId of clientIds) {
      const socket = this.socketsById.get(clientId);
      if (!socket || socket.readyState !== WebSocket.OPEN) continue;
      // A failed write surfaces as the socket's 'error' and 'close' events, handled elsewhere.
      socket.send((frame ??= encodeFrame(method, payload)));
    }
  }

  get size(): number {
    return this.socketsById.size;
  }
}
