/**
 * Orion's wire protocol: the `method:base64(JSON)` frame codec, every message with its payload
 * type, the HTTP bodies, WebSocket close codes and the limits a client must respect. Shared by
 * the server, the SDK, the benchmarks and the tests; no dependencies.
 */
export { decodeFrame, encodeFrame, methodOf, type Frame } from './frame-codec.js';
export { isNestedTooDeeply, MAX_NESTING_DEPTH } from './nesting-depth.js';
export {
  SERVER_MESSAGE_FIELDS,
  type PeerEndpoint,
  type RelayEndpoint,
  type ResumedLobby,
  type ResumeRefusalReason,
  type ServerMessages,
  type ServerMethod,
} from './server-messages.js';
export {
  RELAY_BIND_METHOD,
  RELAY_BOUND_METHOD,
  UDP_CONNECT_METHOD,
  type ClientMessages,
  type ClientMethod,
  type RelayMessages,
  type UdpMessages,
} from './client-messages.js';
export { CloseCode } from './close-codes.js';
export * from './limits.js';
export type * from './http-shapes.js';
export { normalizeSourceAddress } from './endpoint-address.js';
