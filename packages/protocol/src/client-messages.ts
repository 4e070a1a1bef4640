/** Every WebSocket message a client may send, by method name, with its payload. */
export interface ClientMessages {
  lobby_messaging_send: { token: string; lobbyId: string; message: string };
  ptpMediation_peersConnection_success: { token: string };
}

export type ClientMethod = keyof ClientMessages;

/** The one datagram a client sends to Orion's UDP port, so Orion sees its public endpoint. */
export const UDP_CONNECT_METHOD = 'ptpMediation_connect';

export interface UdpMessages {
  [UDP_CONNECT_METHOD]: { token: string };
}
