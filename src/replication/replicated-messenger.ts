import { Logger } from '@nestjs/common';
import type { ClientMessenger } from '../common/client-messenger.js';
import type { ServerMessages, ServerMethod } from '@orion/protocol';
import type { ClientStore } from '../clients/client-store.js';
import type { ClientRegistry } from '../connections/client-registry.js';
import type { ReplicaIdentity } from '../connections/replica-identity.js';
import type { ReplicaChannel } from './replica-channel.js';

/**
 * The {@link ClientMessenger} when replicas share a store. A message about a lobby
 * whose host's socket is elsewhere is relayed to the host's replica, which sends it on:
 * every lobby message then leaves from one replica, so all members see one order.
 * Otherwise a client whose socket is here gets the message at once; for the others the
 * store says which replica holds the socket, and the message goes there over its channel.
 *
 * Remote work leaves one item at a time, in the order it was sent, so that messages to
 * a client keep their order across replicas too.
 */
export class ReplicatedMessenger implements ClientMessenger {
  private readonly logger = new Logger(ReplicatedMessenger.name);
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly local: ClientRegistry,
    private readonly clients: ClientStore,
    private readonly channel: ReplicaChannel,
    private readonly replica: ReplicaIdentity,
  ) {
    channel.handle('delivery', ({ clientIds, method, payload }) =>
      local.sendMany(clientIds, method, payload),
    );
    channel.handle('relay', ({ clientIds, method, payload }) =>
      this.sendMany(clientIds, method, payload),
    );
  }

  send<M extends ServerMethod>(
    clientId: string,
    method: M,
    payload: ServerMessages[M],
    lobbyHostId?: string,
  ): void {
    this.sendMany([clientId], method, payload, lobbyHostId);
  }

  sendMany<M extends ServerMethod>(
    clientIds: readonly string[],
    method: M,
    payload: ServerMessages[M],
    lobbyHostId?: string,
  ): void {
    if (lobbyHostId !== undefined && !this.local.holds(lobbyHostId)) {
      this.enqueue(method, () => this.relay(lobbyHostId, clientIds, method, payload));
      return;
    }
    const remote = this.sendHere(clientIds, method, payload);
    if (remote.length > 0) this.enqueue(method, () => this.forward(remote, method, payload));
  }

  /** Resolves once every remote delivery sent so far has been handed to Redis. */
  flushed(): Promise<void> {
    return this.queue;
  }

  private enqueue(method: ServerMethod, work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((error: Error) => {
      // The clients are unreachable (or the store is): like a closed socket, they miss it.
      this.logger.warn(`Could not forward ${method} to another replica: ${error.message}`);
    });
  }

  private async relay<M extends ServerMethod>(
    hostId: string,
    clientIds: readonly string[],
    method: M,
    payload: ServerMessages[M],
  ): Promise<void> {
    const host = await this.clients.get(hostId);
    // A host away from this replica (reconnection): this is still where its lobby's order is.
    if (host?.replicaId && host.replicaId !== this.replica.id) {
      await this.channel.publish(host.replicaId, {
        kind: 'relay',
        clientIds: [...clientIds],
        method,
        payload,
      });
      return;
    }
    // Here, or the host has left (its lobby is closing: no single place orders it any more).
    const remote = this.sendHere(clientIds, method, payload);
    if (remote.length > 0) await this.forward(remote, method, payload);
  }

  /** Sends to the clients whose sockets are here; returns the others. */
  private sendHere<M extends ServerMethod>(
    clientIds: readonly string[],
    method: M,
    payload: ServerMessages[M],
  ): string[] {
    const here: string[] = [];
    const remote: string[] = [];
    for (const clientId of clientIds) (this.local.holds(clientId) ? here : remote).push(clientId);
    if (here.length > 0) this.local.sendMany(here, method, payload);
    return remote;
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
