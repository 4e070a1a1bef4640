import { Injectable } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import type { ResumeRefusalReason } from '@orion/protocol';

export type UdpDatagramResult =
  | 'accepted'
  | 'duplicate'
  | 'not_mediating'
  | 'unknown_token'
  | 'malformed'
  | 'oversize'
  | 'store_unavailable';
export type WsFrameResult =
  | 'accepted'
  | 'rejected'
  | 'unknown_method'
  | 'malformed'
  | 'rate_limited'
  | 'oversize'
  | 'store_unavailable';
/** What became of a datagram at a relay port. */
export type RelayDatagramResult =
  'relayed' | 'bind' | 'stranger' | 'wrong_member' | 'peer_unbound' | 'rate_limited' | 'malformed';
/** Why a relayed pair's session ended. */
export type RelaySessionEndReason = 'idle' | 'lifetime' | 'mediation_aborted' | 'shutdown';
/** Why the server itself ended a client's WebSocket. */
export type WsClosedReason = 'send_buffer_full' | 'heartbeat_timeout';
export type MediationEndReason =
  | 'succeeded'
  | 'member_left'
  | 'udp_timeout'
  | 'connect_timeout'
  | 'lobby_closed'
  | 'server_shutdown'
  | 'relay_unavailable';
/**
 * Why the HTTP server ended a connection before its request was in: headers (or an upgrade
 * request) or a whole request too slow, or too many connections still pending.
 */
export type HttpConnectionRefusedReason =
  'headers_timeout' | 'request_timeout' | 'pending_per_ip' | 'pending_total';

/** A resume that succeeded, or why it was refused. */
export type ResumeOutcome = 'resumed' | ResumeRefusalReason;

/** The events modules exchange, by name, with their payloads. */
export interface OrionEvents {
  /** A client's socket opened and it was given a token. */
  'client.connected': { clientId: string };
  /** A client's socket closed; everything it held must be released. */
  'client.disconnected': { clientId: string };
  /**
   * Opt-in reconnection: a client's socket dropped and the client is held for the grace
   * period (its lobby seat, name and host role stay); either `client.back` or
   * `client.disconnected` follows.
   */
  'client.away': { clientId: string };
  /** Opt-in reconnection: an away client was resumed by a new socket. */
  'client.back': { clientId: string };
  /** Opt-in reconnection: what became of a `client_resume` (for the metrics). */
  'client.resumeAnswered': { outcome: ResumeOutcome };
  /** A member other than the host left a lobby that stays open. */
  'lobby.memberLeft': { lobbyId: string; clientId: string; peerName: string };
  /** A lobby was closed and removed. */
  'lobby.closed': { lobbyId: string };
  /** A member left a lobby by `POST /lobbies/:lobbyId/leave` (the host too). */
  'lobby.left': { lobbyId: string };
  /** The host kicked a member out of its lobby. */
  'lobby.kicked': { lobbyId: string };
  /** The host left a `hostMigration` lobby, which went to the member present longest. */
  'lobby.hostHandedOver': { lobbyId: string };
  /** What became of a datagram that reached the UDP socket: the UDP edge counts each once. */
  'udp.datagram': { result: UdpDatagramResult };
  /** What became of a WebSocket frame a client sent. */
  'ws.frame': { result: WsFrameResult };
  /** The server ended a client's WebSocket: it stopped reading, or stopped answering pings. */
  'ws.closed': { reason: WsClosedReason };
  /** Timer work (a reminder, a timeout) skipped because the state store did not answer. */
  'mediation.timerSkipped': { lobbyId: string };
  /** The host started mediation in a lobby. */
  'mediation.started': { lobbyId: string; members: number };
  /** Every endpoint arrived: mediation moved from collecting to connecting. */
  'mediation.phaseEnded': { lobbyId: string; phase: 'collecting'; durationMs: number };
  /** Another replica changed or ended a mediation whose timers run in this process. */
  'mediation.changedElsewhere': { lobbyId: string };
  /** Mediation ended, in whichever phase it was. */
  'mediation.ended': {
    lobbyId: string;
    reason: MediationEndReason;
    phase: 'collecting' | 'connecting';
    phaseDurationMs: number;
  };
  /** What became of a datagram at a relay port; `bytes` is its size. */
  'relay.datagram': { result: RelayDatagramResult; bytes: number };
  /** A pair's relay session opened (it holds two ports). */
  'relay.sessionOpened': Record<string, never>;
  'relay.sessionEnded': { reason: RelaySessionEndReason };
  /** A relay request found no free ports or sessions; its mediation was aborted. */
  'relay.refused': { lobbyId: string };
  /** The HTTP server closed a connection whose request did not arrive in time, or one too many. */
  'http.connectionRefused': { reason: HttpConnectionRefusedReason };
}

export type OrionEventName = keyof OrionEvents;

/** A typed face over the event emitter, so a renamed event fails to compile. */
@Injectable()
export class OrionEventBus {
  constructor(private readonly emitter: EventEmitter2) {}

  emit<E extends OrionEventName>(event: E, payload: OrionEvents[E]): void {
    this.emitter.emit(event, payload);
  }

  /**
   * Emits and resolves once every listener has finished: for the clean-up chain (a client
   * leaves, its lobby changes, its mediation aborts), so that whoever caused it can wait
   * for the state to settle. Listener failures are logged by the listeners' wrapper.
   */
  async emitAndWait<E extends OrionEventName>(event: E, payload: OrionEvents[E]): Promise<void> {
    await this.emitter.emitAsync(event, payload);
  }

  /**
   * A plain synchronous listener, for hot paths (one event per datagram or frame) where the
   * promise and error wrapper that `@OnEvent` puts around each call costs more than the work.
   * The listener must not throw.
   */
  on<E extends OrionEventName>(event: E, listener: (payload: OrionEvents[E]) => void): void {
    this.emitter.on(event, listener as (payload: unknown) => void);
  }
}

/**
 * `@OnEvent` restricted to the names in {@link OrionEvents}. A listener's failure is logged
 * and swallowed, unless `failsEmitter`: then `emitAndWait` rejects with it, so that the
 * emitter can try the clean-up again.
 */
export const OnOrionEvent = (
  event: OrionEventName,
  options: { failsEmitter?: boolean } = {},
): MethodDecorator => OnEvent(event, { suppressErrors: !options.failsEmitter });
