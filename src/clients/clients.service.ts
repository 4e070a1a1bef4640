import { Inject, Injectable, Logger } from '@nestjs/common';
import { OrionEventBus } from '../common/orion-events.js';
import { Errors } from '../common/orion-error.js';
import { RecentChat } from '../connections/recent-chat.js';
import { ReplicaIdentity } from '../connections/replica-identity.js';
import { newClientId, newClientToken } from '../common/random-ids.js';
import { CLIENT_STORE, type ClientStore } from './client-store.js';

export interface RegisteredClient {
  clientId: string;
  token: string;
}

/**
 * Owns client identity: issuing tokens, resolving them, and forgetting clients. A client
 * held away for reconnection is still registered here; ReconnectionService owns that part.
 */
@Injectable()
export class ClientsService {
  private readonly logger = new Logger(ClientsService.name);

  constructor(
    @Inject(CLIENT_STORE) private readonly store: ClientStore,
    private readonly events: OrionEventBus,
    private readonly replica: ReplicaIdentity,
    private readonly recentChat: RecentChat,
  ) {}

  async register(): Promise<RegisteredClient> {
    const client = {
      id: newClientId(),
      token: newClientToken(),
      connectedAt: Date.now(),
      replicaId: this.replica.id,
    };
    await this.store.insert(client);
    // Per-client lines are debug: at info, a busy server's log would be mostly these.
    this.logger.debug({ clientId: client.id }, 'Client connected');
    return { clientId: client.id, token: client.token };
  }

  /** The id of the client holding `token`; a domain error when nobody does. */
  async resolveToken(token: string): Promise<string> {
    const client = await this.store.findByToken(token);
    if (!client) throw Errors.clientUnregistered();
    return client.id;
  }

  /** True only when `token` is the token issued to `clientId`. */
  async ownsToken(clientId: string, token: string): Promise<boolean> {
    const client = await this.store.get(clientId);
    return client !== undefined && client.token === token;
  }

  /** True while the client is connected (or away, held for reconnection). */
  async isRegistered(clientId: string): Promise<boolean> {
    return (await this.store.get(clientId)) !== undefined;
  }

  /**
   * Forgets the client and lets its lobby know. `retrying` says an earlier try failed for
   * want of the store: that try may have removed the record after all (a command that timed
   * out still runs), so the departure is announced even when nothing is left to remove;
   * the lobby's clean-up is safe to repeat.
   */
  async disconnect(clientId: string, retrying = false): Promise<void> {
    this.recentChat.forget(clientId);
    const removed = await this.store.delete(clientId);
    if (!removed && !retrying) return;
    this.logger.debug({ clientId }, 'Client disconnected');
    await this.events.emitAndWait('client.disconnected', { clientId });
  }

  count(): Promise<number> {
    return this.store.count();
  }
}
