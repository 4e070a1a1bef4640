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

/** Why `client_resume` was refused; `unknown_client` covers wrong, expired and unknown tokens. */
export type ResumeRefusalReason =
  'unknown_client' | 'in_lobby' | 'connected_elsewhere' | 'unavailable';

/** The lobby a resumed client is in, as it is now: names only, never ids or tokens. */
export interface ResumedLobby {
  lobbyId: string;
  lobbyName: string;
  /** The host's name. */
  host: string;
  /** Every member's name, in join order, host first. */
  members: string[];
  /** True while mediation runs. */
  locked: boolean;
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
  /** Opt-in reconnection: a member's connection dropped; it is held for the grace period. */
  lobby_peerAway: { lobbyId: string; peerName: string };
  /** Opt-in reconnection: a member that was away resumed. */
  lobby_peerBack: { lobbyId: string; peerName: string };
  /**
   * Opt-in reconnection: this socket now carries the client it resumed (use its old token).
   * Missed chat (`missedChat` messages) and mediation requests follow.
   */
  client_resumed: {
    lobby: ResumedLobby | null;
    mediation: { phase: 'collecting' | 'connecting' } | null;
    missedChat: number;
  };
  /** Opt-in reconnection: `client_resume` was refused; the socket stays the new client. */
  client_resumeRefused: { reason: ResumeRefusalReason };
  /** The host kicked this client out of the lobby; it stays connected and may join another. */
  lobby_kicked: { lobbyId: string; lobbyName: string };
  /** A `hostMigration` lobby's host left: `hostName` (the member present longest) is host now. */
  lobby_hostChanged: { lobbyId: string; hostName: string };
  /** The host changed the lobby's settings: all of them as they are now (`data` `{}` for none). */
  lobby_updated: {
    lobbyId: string;
    lobbyName: string;
    isPublic: boolean;
    data: Record<string, string | number>;
  };
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
  lobby_peerAway: ['lobbyId', 'peerName'],
  lobby_peerBack: ['lobbyId', 'peerName'],
  client_resumed: ['lobby', 'mediation', 'missedChat'],
  client_resumeRefused: ['reason'],
  lobby_kicked: ['lobbyId', 'lobbyName'],
  lobby_hostChanged: ['lobbyId', 'hostName'],
  lobby_updated: ['lobbyId', 'lobbyName', 'isPublic', 'data'],
};
