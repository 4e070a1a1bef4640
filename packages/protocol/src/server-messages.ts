/** Every message the server sends over WebSocket, by method name, with its payload. */
export interface PeerEndpoint {
  ip: string;
  port: number;
  /** The peer's lobby name: an addition to the spec that old clients ignore. */
  name: string;
}

/** Where to send a peer's traffic through Orion's relay (opt-in; see RELAY_BIND_METHOD). */
export interface RelayEndpoint {
  /** The peer this endpoint stands for. */
  peerName: string;
  ip: string;
  port: number;
}

export interface ServerMessages {
  client_registered: { token: string };
  lobby_closed: { lobbyId: string; lobbyName: string };
  lobby_peerConnect: { lobbyId: string; peerName: string };
  lobby_peerDisconnect: { lobbyId: string; peerName: string };
  lobby_messaging_received: {
    lobbyId: string;
    message: { timestamp: number; senderName: string; message: string };
  };
  ptpMediation_send: { port: number };
  ptpMediation_aborted: { abortReason: string };
  ptpMediation_peersConnection_start: { peers: PeerEndpoint[] };
  ptpMediation_success: Record<string, never>;
  /** Opt-in relay: the answer to `ptpMediation_relay_request`, sent to both sides of a pair. */
  ptpMediation_relay_allocated: { relays: RelayEndpoint[] };
}

export type ServerMethod = keyof ServerMessages;

/**
 * The top-level payload fields of every server message, kept beside the types so that
 * the compiler checks them: a new message or field must be listed here, and the
 * AsyncAPI drift test then requires it in docs/asyncapi.yaml.
 */
export const SERVER_MESSAGE_FIELDS: {
  readonly [M in ServerMethod]: readonly (keyof ServerMessages[M])[];
} = {
  client_registered: ['token'],
  lobby_closed: ['lobbyId', 'lobbyName'],
  lobby_peerConnect: ['lobbyId', 'peerName'],
  lobby_peerDisconnect: ['lobbyId', 'peerName'],
  lobby_messaging_received: ['lobbyId', 'message'],
  ptpMediation_send: ['port'],
  ptpMediation_aborted: ['abortReason'],
  ptpMediation_peersConnection_start: ['peers'],
  ptpMediation_success: [],
  ptpMediation_relay_allocated: ['relays'],
};
