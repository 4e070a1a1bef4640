/** Every message the server sends over WebSocket, by method name, with its payload. */
export interface PeerEndpoint {
  ip: string;
  port: number;
  /** The peer's lobby name: an addition to the spec that old clients ignore. */
  name: string;
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
}

export type ServerMethod = keyof ServerMessages;
