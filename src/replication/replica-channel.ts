import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { ServerMessages, ServerMethod } from '../common/server-messages.js';
import type { RedisKeys } from '../redis/redis-keys.js';

/** A message for clients whose sockets live on another replica. */
export interface Delivery {
  kind: 'delivery';
  clientIds: string[];
  method: ServerMethod;
  payload: ServerMessages[ServerMethod];
}

/** Tells the replica that runs a mediation's timers that the mediation changed phase or ended. */
export interface MediationChanged {
  kind: 'mediationChanged';
  lobbyId: string;
}

/** What one replica sends another. */
export type ReplicaMessage = Delivery | MediationChanged;

/** What a replica does with each kind of message it receives. */
export type ReplicaMessageHandlers = {
  [K in ReplicaMessage['kind']]: (message: Extract<ReplicaMessage, { kind: K }>) => void;
};

/**
 * One Redis pub/sub channel per replica. Each replica listens on its own and publishes
 * to the replica that holds a client's socket. Redis keeps the order of one
 * publisher's messages on a channel, so one replica's messages to a client stay in order.
 */
export class ReplicaChannel implements OnApplicationShutdown {
  private readonly logger = new Logger(ReplicaChannel.name);
  private readonly listening = new Set<string>();

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** Subscribes `subscriber` (a connection of its own) to this replica's channel. */
  static async open(
    publisher: Redis,
    subscriber: Redis,
    keys: RedisKeys,
    replicaId: string,
    handlers: ReplicaMessageHandlers,
  ): Promise<ReplicaChannel> {
    const channel = new ReplicaChannel(publisher, subscriber, keys);
    // Its own connection: a subscribed connection can run no other command. ioredis
    // subscribes it again after a reconnect.
    subscriber.on('error', () => undefined);
    if (subscriber.status === 'wait') await subscriber.connect();
    subscriber.on('message', (from: string, message: string) => {
      if (!channel.listening.has(from)) return;
      try {
        dispatch(handlers, JSON.parse(message) as ReplicaMessage);
      } catch (error) {
        channel.logger.error(`Dropped a message from another replica: ${(error as Error).message}`);
      }
    });
    await channel.listenAs(replicaId);
    return channel;
  }

  /** Also receives the messages for `replicaId`: this replica's id after it was renewed. */
  async listenAs(replicaId: string): Promise<void> {
    const name = this.keys.replicaChannel(replicaId);
    this.listening.add(name);
    await this.subscriber.subscribe(name);
  }

  publish(replicaId: string, message: ReplicaMessage): Promise<number> {
    return this.publisher.publish(this.keys.replicaChannel(replicaId), JSON.stringify(message));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }
}

function dispatch(handlers: ReplicaMessageHandlers, message: ReplicaMessage): void {
  switch (message.kind) {
    case 'delivery':
      return handlers.delivery(message);
    case 'mediationChanged':
      return handlers.mediationChanged(message);
    default:
      throw new Error(`unknown message kind ${String((message as { kind: unknown }).kind)}`);
  }
}
