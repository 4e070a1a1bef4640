import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { ServerMessages, ServerMethod } from '../common/server-messages.js';
import type { RedisKeys } from '../redis/redis-keys.js';

/** A message for clients whose sockets live on another replica. */
export interface Delivery {
  clientIds: string[];
  method: ServerMethod;
  payload: ServerMessages[ServerMethod];
}

/**
 * One Redis pub/sub channel per replica. Each replica listens on its own and publishes
 * to the replica that holds a client's socket. Redis keeps the order of one
 * publisher's messages on a channel, so one replica's messages to a client stay in order.
 */
export class ReplicaChannel implements OnApplicationShutdown {
  private readonly logger = new Logger(ReplicaChannel.name);

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
    deliver: (delivery: Delivery) => void,
  ): Promise<ReplicaChannel> {
    const channel = new ReplicaChannel(publisher, subscriber, keys);
    // Its own connection: a subscribed connection can run no other command. ioredis
    // subscribes it again after a reconnect.
    subscriber.on('error', () => undefined);
    if (subscriber.status === 'wait') await subscriber.connect();
    const name = keys.replicaChannel(replicaId);
    subscriber.on('message', (from: string, message: string) => {
      if (from !== name) return;
      try {
        deliver(JSON.parse(message) as Delivery);
      } catch (error) {
        channel.logger.error(
          `Dropped a delivery from another replica: ${(error as Error).message}`,
        );
      }
    });
    await subscriber.subscribe(name);
    return channel;
  }

  publish(replicaId: string, delivery: Delivery): Promise<number> {
    return this.publisher.publish(this.keys.replicaChannel(replicaId), JSON.stringify(delivery));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }
}
