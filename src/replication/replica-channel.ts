import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { ServerMessages, ServerMethod } from '@orion/protocol';
import type { ChatHistory } from '../connections/recent-chat.js';
import type { RedisKeys } from '../redis/redis-keys.js';

/** A message for clients whose sockets live on the receiving replica. */
export interface Delivery {
  kind: 'delivery';
  clientIds: string[];
  method: ServerMethod;
  payload: ServerMessages[ServerMethod];
}

/**
 * A lobby message for the receiving replica, which holds the lobby host's socket, to send
 * on to every recipient: so every lobby message leaves from one place, in one order.
 */
export interface Relay {
  kind: 'relay';
  clientIds: string[];
  method: ServerMethod;
  payload: ServerMessages[ServerMethod];
}

/** Tells the replica that runs a mediation's timers that the mediation changed phase or ended. */
export interface MediationChanged {
  kind: 'mediationChanged';
  lobbyId: string;
}

/** Asks the replica that held a client to let it go: another replica resumes it. */
export interface HandoverRequest {
  kind: 'handoverRequest';
  requestId: string;
  clientId: string;
  /** The asking replica, which waits for the {@link HandoverReply}. */
  replyTo: string;
}

/** What the asked replica gave up (see HandedOver). */
export interface HandoverReply {
  kind: 'handoverReply';
  requestId: string;
  socketClosed: boolean;
  chat?: ChatHistory;
}

/** What one replica sends another. */
export type ReplicaMessage = Delivery | Relay | MediationChanged | HandoverRequest | HandoverReply;
export type ReplicaMessageKind = ReplicaMessage['kind'];
type Handler<K extends ReplicaMessageKind> = (
  message: Extract<ReplicaMessage, { kind: K }>,
) => void;

/**
 * One Redis pub/sub channel per replica. Each replica listens on its own and publishes
 * to the replica that holds a client's socket. Redis keeps the order of one
 * publisher's messages on a channel, so one replica's messages to a client stay in order.
 */
export class ReplicaChannel implements OnApplicationShutdown {
  private readonly logger = new Logger(ReplicaChannel.name);
  private readonly listening = new Set<string>();
  private readonly handlers: { [K in ReplicaMessageKind]?: Handler<K> } = {};

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
  ): Promise<ReplicaChannel> {
    const channel = new ReplicaChannel(publisher, subscriber, keys);
    // Its own connection: a subscribed connection can run no other command. ioredis
    // subscribes it again after a reconnect.
    subscriber.on('error', () => undefined);
    if (subscriber.status === 'wait') await subscriber.connect();
    subscriber.on('message', (from: string, message: string) => {
      if (channel.listening.has(from)) channel.dispatch(message);
    });
    await channel.listenAs(replicaId);
    return channel;
  }

  /** What to do with each message of `kind` that reaches this replica. */
  handle<K extends ReplicaMessageKind>(kind: K, handler: Handler<K>): void {
    (this.handlers as Record<K, Handler<K>>)[kind] = handler;
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

  private dispatch(text: string): void {
    try {
      const message = JSON.parse(text) as ReplicaMessage;
      const handler = this.handlers[message.kind] as Handler<typeof message.kind> | undefined;
      if (!handler) throw new Error(`no handler for "${String(message.kind)}"`);
      handler(message);
    } catch (error) {
      this.logger.error(`Dropped a message from another replica: ${(error as Error).message}`);
    }
  }
}
