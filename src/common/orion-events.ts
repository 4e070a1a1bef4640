import { Injectable } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';

/** The events modules exchange, by name, with their payloads. */
export interface OrionEvents {
  /** A client's socket closed; everything it held must be released. */
  'client.disconnected': { clientId: string };
  /** A well-formed `ptpMediation_connect` datagram arrived. */
  'udp.connect': { token: string; ip: string; port: number };
  /** A member other than the host left a lobby that stays open. */
  'lobby.memberLeft': { lobbyId: string; clientId: string; peerName: string };
  /** A lobby was closed and removed. */
  'lobby.closed': { lobbyId: string };
}

export type OrionEventName = keyof OrionEvents;

/** A typed face over the event emitter, so a renamed event fails to compile. */
@Injectable()
export class OrionEventBus {
  constructor(private readonly emitter: EventEmitter2) {}

  emit<E extends OrionEventName>(event: E, payload: OrionEvents[E]): void {
    this.emitter.emit(event, payload);
  }
}

/** `@OnEvent` restricted to the names in {@link OrionEvents}. */
export const OnOrionEvent = (event: OrionEventName): MethodDecorator => OnEvent(event);
