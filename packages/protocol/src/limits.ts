/**
 * Bounds a client must respect for Orion to accept a request or message; anything outside
 * them is answered 400 (HTTP) or dropped silently (WebSocket, UDP).
 */

/** Host and lobby names: word characters and spaces, 1 to 50 long, not starting with a space. */
export const DISPLAY_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_ ]{0,49}$/;
export const DISPLAY_NAME_MAX_LENGTH = 50;

/** The token from `client_registered`, as sent back in bodies and payloads. */
export const TOKEN_MAX_LENGTH = 256;

/** `maxMembers` of `POST /lobbies` is a whole number from 1 to this. */
export const MAX_LOBBY_MEMBERS = 64;

/** Lobby codes are five of A-Z and 0-9; payloads accept up to this many characters. */
export const LOBBY_ID_PATTERN = /^[A-Z0-9]{5}$/;
export const LOBBY_ID_MAX_LENGTH = 16;

/** `ptpMediation_relay_request.peerNames`: 1 to this many names (a lobby's other members). */
export const MAX_RELAY_PEERS = MAX_LOBBY_MEMBERS - 1;

/** `lobby_messaging_send.message`: 1 to this many characters. */
export const CHAT_MESSAGE_MAX_LENGTH = 250;
