import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ClientHandoverChannel, HandedOver } from '../connections/client-handover.js';
import type { ReplicaIdentity } from '../connections/replica-identity.js';
import type { ReplicaChannel } from './replica-channel.js';

/**
 * How long a resuming replica waits for the one that held the client. It answers within a
 * round trip to Redis or two; a replica that does not is stalled or dead.
 */
export const HANDOVER_TIMEOUT_MS = 1_000;

/** Handovers between replicas: a request over the holder's channel, the reply over ours. */
export class ReplicatedHandover implements ClientHandoverChannel {
  private readonly logger = new Logger(ReplicatedHandover.name);
  private readonly waiting = new Map<string, (handedOver: HandedOver) => void>();

  constructor(
    private readonly channel: ReplicaChannel,
    private readonly replica: ReplicaIdentity,
    private readonly timeoutMs = HANDOVER_TIMEOUT_MS,
  ) {
    channel.handle('handoverReply', ({ requestId, socketClosed, chat }) =>
      this.waiting.get(requestId)?.({ socketClosed, chat }),
    );
  }

  async request(replicaId: string, clientId: string): Promise<HandedOver | undefined> {
    const requestId = randomUUID();
    const answered = new Promise<HandedOver | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), this.timeoutMs);
      this.waiting.set(requestId, (handedOver) => {
        clearTimeout(timer);
        resolve(handedOver);
      });
    });
    try {
      await this.channel.publish(replicaId, {
        kind: 'handoverRequest',
        requestId,
        clientId,
        replyTo: this.replica.id,
      });
      return await answered;
    } finally {
      this.waiting.delete(requestId);
    }
  }

  serve(handOver: (clientId: string) => Promise<HandedOver>): void {
    this.channel.handle('handoverRequest', ({ requestId, clientId, replyTo }) => {
      void handOver(clientId)
        .then((handedOver) =>
          this.channel.publish(replyTo, { kind: 'handoverReply', requestId, ...handedOver }),
        )
        .catch((error: unknown) =>
          this.logger.error(
            { clientId },
            `Could not hand a client over: ${(error as Error)?.message ?? error}`,
          ),
        );
    });
  }
}
