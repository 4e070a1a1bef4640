import { Logger } from '@nestjs/common';
import type { ClientMessenger } from '../common/client-messenger.js';
import type { ServerMessages, ServerMethod } from '../common/server-messages.js';
import type { ClientStore } from '../clients/client-store.js';
import type { ClientRegistry } from '../gateway/client-registry.js';
import type { ReplicaChannel } from './replica-channel.js';

/**
 * The {@link ClientMessenger} when replicas share a store: a client whose socket is here
 * gets the message at once; for the others the store says which replica holds the
 * socket, and the message goes there over that replica's channel.
 *
 * Remote deliveries leave one at a time, in the order they were sent, so that messages
 * to a client keep their order across replicas too.
 */
export class ReplicatedMessenger implements ClientMessenger {
  private readonly logger = new Logger(ReplicatedMessenger.name);
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly local: ClientRegistry,
    private readonly clients: ClientStore,
    private readonly channel: ReplicaChannel,
  ) {}

  send<M extends ServerMethod>(clientId: string, method: M, payload: ServerMessages[M]): void {
    this.sendMany([clientId], method, payload);
  }

  sendMany<M extends ServerMethod>(
    clientIds: readonly string[],
    method: M,
    payload: ServerMessages[M],
  ): void {
    const here: string[] = [];
    const remote: string[] = [];
    for (const clientId of clientIds) (this.local.holds(clientId) ? here : remote).push(clientId);
    if (here.length > 0) this.local.sendMany(here, method, payload);
    if (remote.length === 0) return;
    this.queue = this.queue
      .then(() => this.forward(remote, method, payload))
      .catch((error: Error) => {
        // The clients are unreachable (or the store is): like a closed socket, they miss it.
        this.logger.warn(`Could not forward ${method} to another replica: ${error.message}`);
      });
  }

  /** Resolves once every remote delivery sent so far has been handed to Redis. */
  flushed(): Promise<void> {
    return this.queue;
  }

  private async forward<M extends ServerMethod>(
    clientIds: string[],
    method: M,
    payload: ServerMessages[M],
  ): Promise<void> {
    const records = await Promise.all(clientIds.map((clientId) => this.clients.get(clientId)));
    const byReplica = new Map<string, string[]>();
    for (const record of records) {
      // A client without a record has left; a message to it is dropped, as to a closed socket.
      if (!record?.replicaId) continue;
      byReplica.set(record.replicaId, [...(byReplica.get(record.replicaId) ?? []), record.id]);
    }
    for (const [replicaId, ids] of byReplica) {
      await this.channel.publish(replicaId, { kind: 'delivery', clientIds: ids, method, payload });
    }
  }
}
