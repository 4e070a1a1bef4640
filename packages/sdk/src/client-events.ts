import type { ServerMessages, ServerMethod } from '@orion/protocol';

/**
 * What an {@link OrionClient} emits: every server message under its method name, plus
 * `close` (the WebSocket closed, with its close code) and `udpError` (the UDP socket
 * reported an error; without a listener it is dropped, never thrown).
 */
export type OrionClientEvents = {
  [M in ServerMethod]: (payload: ServerMessages[M]) => void;
} & {
  close: (code: number) => void;
  udpError: (error: Error) => void;
};

export type OrionClientEvent = keyof OrionClientEvents;

/** The subscribe half of the client, which is all a mediation needs to see. */
export interface ClientEventSource {
  on<E extends OrionClientEvent>(event: E, listener: OrionClientEvents[E]): unknown;
  off<E extends OrionClientEvent>(event: E, listener: OrionClientEvents[E]): unknown;
}
