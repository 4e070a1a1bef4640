import type { ClientStore } from '../clients/client-store.js';
import type { MediationTimerHome } from '../mediation/mediation-timer-home.js';
import type { ReplicaChannel } from './replica-channel.js';
import type { ReplicaIdentity } from '../connections/replica-identity.js';

/**
 * With replicas, a mediation's timers run on the replica holding its host's socket. Any
 * other replica that changes the mediation tells that one over its channel.
 */
export class ReplicatedTimerHome implements MediationTimerHome {
  constructor(
    private readonly clients: ClientStore,
    private readonly replica: ReplicaIdentity,
    private readonly channel: ReplicaChannel,
  ) {}

  async route(lobbyId: string, hostId: string): Promise<'here' | 'elsewhere'> {
    const host = await this.clients.get(hostId);
    // A host without a record has left, and its lobby is closing: nothing to hand over.
    if (!host || host.replicaId === this.replica.id) return 'here';
    await this.channel.publish(host.replicaId, { kind: 'mediationChanged', lobbyId });
    return 'elsewhere';
  }
}
