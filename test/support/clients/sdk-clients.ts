import type { Socket } from 'node:dgram';
import {
  OrionClient,
  type MediationResult,
  type OrionClientEvent,
  type OrionClientEvents,
  type OrionClientOptions,
} from '@orion/sdk';
import type { OrionAddress } from '../orion/orion-test-app.js';

/** What an event of an OrionClient carries. */
export type EventPayload<E extends OrionClientEvent> = Parameters<OrionClientEvents[E]>[0];

/** The next emission of `event` on `client`. */
export function nextEvent<E extends OrionClientEvent>(
  client: OrionClient,
  event: E,
): Promise<EventPayload<E>> {
  return new Promise((resolve) =>
    client.once(event, ((payload: EventPayload<E>) => resolve(payload)) as OrionClientEvents[E]),
  );
}

/** Every SDK client a test opens, and every socket mediate() handed over, for afterEach. */
export class SdkClientPool {
  private readonly clients: OrionClient[] = [];
  private readonly handedOver: Socket[] = [];

  /** A client on loopback, with `options` added. */
  async connect(
    orion: OrionAddress,
    options: Omit<OrionClientOptions, 'url'> = {},
  ): Promise<OrionClient> {
    const client = await OrionClient.connect({
      url: orion.httpUrl,
      localAddress: '127.0.0.1',
      ...options,
    });
    this.clients.push(client);
    return client;
  }

  /** Keeps the socket a mediation handed over, to close it after the test. */
  keep(result: MediationResult): MediationResult {
    this.handedOver.push(result.socket);
    return result;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((client) => client.close()));
    for (const socket of this.handedOver.splice(0)) socket.close();
  }
}
