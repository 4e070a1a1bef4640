/** Every WebSocket message a client may send, by method name, with its payload. */
export interface ClientMessages {
  lobby_messaging_send: { token: string; lobbyId: string; message: string };
  ptpMediation_peersConnection_success: { token: string };
  /** Opt-in relay: punching these peers failed; relay the pairs through Orion. */
  ptpMediation_relay_request: { token: string; peerNames: string[] };
  /**
   * Opt-in reconnection (`--reconnectGraceMs`): the first frame of a new socket, carrying the
   * token of the client whose connection dropped, to take that client over. `chatReceived`:
   * how many `lobby_messaging_received` the client has received in all (replays included),
   * so that the server replays exactly the ones after those.
   */
  client_resume: { token: string; chatReceived?: number };
}

export type ClientMethod = keyof ClientMessages;

/** The one datagram a client sends to Orion's UDP port, so Orion sees its public endpoint. */
export const UDP_CONNECT_METHOD = 'ptpMediation_connect';

export interface UdpMessages {
  [UDP_CONNECT_METHOD]: { token: string };
}

/**
 * Opt-in relay, on the relay endpoint a client was given: the client binds its side with its
 * token; Orion answers from that port with the (smaller) bound datagram. Every other datagram
 * there is the game's own and is relayed to the peer unchanged.
 */
export const RELAY_BIND_METHOD = 'ptpMediation_relay_bind';
export const RELAY_BOUND_METHOD = 'ptpMediation_relay_bound';

export interface RelayMessages {
  [RELAY_BIND_METHOD]: { token: string };
  [RELAY_BOUND_METHOD]: Record<string, never>;
}
