import type { ServerMessages, ServerMethod } from '@orion/protocol';

/**
 * What an {@link OrionClient} emits: every server message under its method name, plus
 * `close` (the client is closed for good, once: the WebSocket's close code, or with
 * reconnection that of the drop it could not recover from), `away` (with reconnection: this
 * client's WebSocket dropped with that code and it is reconnecting), `back` (resumed, with
 * Orion's summary) and `udpError` (the UDP socket reported an error; without a listener it
 * is dropped, never thrown).
 */
export type OrionClientEvents = {
  [M in ServerMethod]: (payload: ServerMessages[M]) => void;
} & {
  close: (code: number) => void;
  away: (code: number) => void;
  back: (summary: ServerMessages['client_resumed']) => void;
  udpError: (error: Error) => void;
};

export type OrionClientEvent = keyof OrionClientEvents;

/** The subscribe half of the client, which is all a mediation needs to see. */
export interface ClientEventSource {
  on<E extends OrionClientEvent>(event: E, listener: OrionClientEvents[E]): unknown;
  off<E extends OrionClientEvent>(event: E, listener: OrionClientEvents[E]): unknown;
}
