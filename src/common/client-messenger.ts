import type { ServerMessages, ServerMethod } from '@orion/protocol';

/**
 * Delivers server messages to clients by their internal id. Services use it without
 * knowing which transport or which replica holds the client's socket.
 * Messages to one client are delivered in the order they were sent.
 *
 * `lobbyHostId`, given for every message about a lobby, names the lobby's host: with
 * replicas, such messages all pass through the host's replica, so that every member sees
 * the lobby's messages in one and the same order.
 */
export interface ClientMessenger {
  send<M extends ServerMethod>(
    clientId: string,
    method: M,
    payload: ServerMessages[M],
    lobbyHostId?: string,
  ): void;
  /** The same message to several clients; it is encoded once. */
  sendMany<M extends ServerMethod>(
    clientIds: readonly string[],
    method: M,
    payload: ServerMessages[M],
    lobbyHostId?: string,
  ): void;
  /** Resolves once every message sent so far has left this process (for shutdown). */
  flushed(): Promise<void>;
}

export const CLIENT_MESSENGER = Symbol('CLIENT_MESSENGER');

/** Sends one message to members of the lobby hosted by `hostId`, encoded once. */
export function sendToMembers<M extends ServerMethod>(
  messenger: ClientMessenger,
  hostId: string,
  members: readonly { clientId: string }[],
  method: M,
  payload: ServerMessages[M],
): void {
  messenger.sendMany(
    members.map((member) => member.clientId),
    method,
    payload,
    hostId,
  );
}
