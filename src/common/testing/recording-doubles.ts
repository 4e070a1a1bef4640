import type { ClientMessenger } from '../client-messenger.js';
import type { OrionEventBus, OrionEventName, OrionEvents } from '../orion-events.js';
import type { ServerMessages, ServerMethod } from '@orion/protocol';

/** Test doubles for unit specs; excluded from the build. */

export interface SentMessage {
  to: string;
  method: ServerMethod;
  payload: unknown;
}

/** Records every message sent, and optionally writes `method -> clientId` on a shared timeline. */
export class RecordingMessenger implements ClientMessenger {
  readonly sent: SentMessage[] = [];

  constructor(private readonly timeline?: string[]) {}

  send<M extends ServerMethod>(to: string, method: M, payload: ServerMessages[M]): void {
    this.sent.push({ to, method, payload });
    this.timeline?.push(`${method} -> ${to}`);
  }

  sendMany<M extends ServerMethod>(
    clientIds: readonly string[],
    method: M,
    payload: ServerMessages[M],
  ): void {
    for (const to of clientIds) this.send(to, method, payload);
  }

  async flushed(): Promise<void> {}
}

/** Records every event emitted, in order. */
export class RecordingEventBus implements Pick<OrionEventBus, 'emit' | 'emitAndWait'> {
  readonly emitted: { event: OrionEventName; payload: unknown }[] = [];

  emit<E extends OrionEventName>(event: E, payload: OrionEvents[E]): void {
    this.emitted.push({ event, payload });
  }

  async emitAndWait<E extends OrionEventName>(event: E, payload: OrionEvents[E]): Promise<void> {
    this.emit(event, payload);
  }

  /** The emitted events of one name, payloads only. */
  of<E extends OrionEventName>(event: E): OrionEvents[E][] {
    return this.emitted.filter((e) => e.event === event).map((e) => e.payload as OrionEvents[E]);
  }
}
