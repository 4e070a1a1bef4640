import type { ServerMessages, ServerMethod } from './server-messages.js';

/**
 * Delivers server messages to clients by their internal id. Services use it without
 * knowing which transport (or, later, which replica) holds the client's socket.
 * Messages to one client are delivered in the order they were sent.
 */
export interface ClientMessenger {
  send<M extends ServerMethod>(clientId: string, method: M, payload: ServerMessages[M]): void;
  /** The same message to several clients; it is encoded once. */
  sendMany<M extends ServerMethod>(
    clientIds: readonly string[],
    method: M,
    payload: ServerMessages[M],
  ): void;
}

export const CLIENT_MESSENGER = Symbol('CLIENT_MESSENGER');

/** Sends one message to every member of a group (a lobby or a mediation), encoded once. */
export function sendToMembers<M extends ServerMethod>(
  messenger: ClientMessenger,
  members: readonly { clientId: string }[],
  method: M,
  payload: ServerMessages[M],
): void {
  messenger.sendMany(
    members.map((member) => member.clientId),
    method,
    payload,
  );
}
