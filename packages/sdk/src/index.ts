/**
 * The Orion client SDK: connect, host or join a lobby, chat, and hole-punch a
 * peer-to-peer UDP session through Orion's mediation. Pure Node; no Nest.
 */
export { OrionClient, type MediationResult, type OrionClientOptions } from './orion-client.js';
export type { OrionClientEvent, OrionClientEvents } from './client-events.js';
export { DEFAULT_RECONNECT_SETTINGS, type ReconnectOptions } from './reconnect-options.js';
export { backoffDelayMs, type BackoffSchedule } from './backoff-schedule.js';
export { CHAT_KEPT_WHILE_AWAY } from './pending-frames.js';
export {
  MediationAbortedError,
  MediationInterruptedError,
  OrionRequestError,
  PunchFailedError,
  formatEndpoint,
} from './errors.js';
export {
  OrionHttpApi,
  type HostedLobby,
  type HostOptions,
  type JoinedLobby,
  type JoinOptions,
  type KickOptions,
  type ListedLobby,
  type LobbyData,
  type LobbyFilters,
  type LobbyPage,
  type LobbySettings,
  type LobbySummary,
  type LobbyUpdate,
  type QuickJoinFilters,
} from './http-api.js';
export { DEFAULT_PUNCH_TIMEOUT_MS, type MediateOptions } from './mediation-session.js';
export { DEFAULT_RELAY_AFTER_MS, type RelayMode } from './relay-fallback.js';
export { RELAY_BIND_INTERVAL_MS } from './relay-binding.js';
export { HolePuncher, type HolePuncherOptions } from './hole-punch.js';
export { sendQuietly } from './udp-address.js';
export {
  decodePunchHello,
  encodePunchHello,
  isPunchDatagram,
  PUNCH_HELLO_METHOD,
  type PunchHello,
} from './punch-frames.js';
export {
  DEFAULT_PUNCH_SCHEDULE,
  punchDelayMs,
  punchSendTimes,
  type PunchSchedule,
} from './punch-schedule.js';
export type { PeerEndpoint, RelayEndpoint, ServerMessages, ServerMethod } from '@orion/protocol';
