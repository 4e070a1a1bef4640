import {
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { ClientStore } from '../clients/client-store.js';
import type { ClientsService } from '../clients/clients.service.js';
import type { ClientRegistry } from '../connections/client-registry.js';
import type { RedisKeys } from '../redis/redis-keys.js';
import type { ReplicaChannel } from './replica-channel.js';
import type { ReplicaIdentity } from '../connections/replica-identity.js';

/** WebSocket close code telling a client to reconnect: its replica starts afresh. */
const SERVICE_RESTART = 1012;

/**
 * Keeps this replica's heartbeat key alive and watches the others'. A replica whose key
 * expired is presumed dead: one survivor, chosen by a lock, disconnects each of its
 * clients exactly as if their sockets had closed, so their lobbies hear of it, and then
 * forgets the replica. With a heartbeat every quarter of `timeoutMs`, a dead replica is
 * cleaned up within about 1.25 × `timeoutMs`.
 */
export class ReplicaLiveness implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ReplicaLiveness.name);
  private timer: NodeJS.Timeout | undefined;
  private tick: Promise<void> = Promise.resolve();
  private busy = false;
  private storeWasUnreachable = false;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly replica: ReplicaIdentity,
    private readonly clientStore: ClientStore,
    private readonly clients: ClientsService,
    private readonly registry: ClientRegistry,
    private readonly channel: ReplicaChannel,
    private readonly timeoutMs: number,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.announce();
    this.timer = setInterval(() => this.runTick(), Math.max(100, Math.floor(this.timeoutMs / 4)));
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.tick;
    // Survivors then clean up at once whatever this replica leaves behind.
    await this.redis.del(this.keys.replicaAlive(this.replica.id)).catch(() => undefined);
  }

  /** One heartbeat and one sweep; a tick still running makes the next one skip. */
  private runTick(): void {
    if (this.busy) return;
    this.busy = true;
    this.tick = this.beat()
      .then(() => this.sweep())
      .then(() => {
        if (this.storeWasUnreachable) this.logger.log('Replica heartbeat restored');
        this.storeWasUnreachable = false;
      })
      .catch((error: Error) => {
        if (!this.storeWasUnreachable) {
          this.logger.warn(`Replica heartbeat failed: ${error.message}`);
        }
        this.storeWasUnreachable = true;
      })
      .finally(() => (this.busy = false));
  }

  private async announce(): Promise<void> {
    const id = this.replica.id;
    await this.redis
      .multi()
      .set(this.keys.replicaAlive(id), String(Date.now()), 'PX', this.timeoutMs)
      .sadd(this.keys.replicas, id)
      .exec();
  }

  private async beat(): Promise<void> {
    const alive = this.keys.replicaAlive(this.replica.id);
    const renewed = await this.redis.set(alive, String(Date.now()), 'PX', this.timeoutMs, 'XX');
    if (renewed === null) await this.rejoin();
  }

  /**
   * The heartbeat lapsed (Redis was unreachable or emptied for longer than the timeout),
   * so survivors may already have disconnected this replica's clients. Rather than
   * serve sockets whose state is gone, it rejoins under a new id and asks every client
   * to reconnect.
   */
  private async rejoin(): Promise<void> {
    const previous = this.replica.id;
    const renewed = this.replica.renew();
    this.logger.warn(
      { previousReplicaId: previous, replicaId: renewed },
      'Replica heartbeat lapsed: rejoining as a new replica and closing every socket',
    );
    await this.channel.listenAs(renewed);
    await this.announce();
    this.registry.closeAll(SERVICE_RESTART, 'Service restart: reconnect');
  }

  private async sweep(): Promise<void> {
    const replicaIds = await this.redis.smembers(this.keys.replicas);
    for (const replicaId of replicaIds) {
      if (replicaId === this.replica.id) continue;
      if ((await this.redis.exists(this.keys.replicaAlive(replicaId))) === 1) continue;
      await this.reap(replicaId);
    }
  }

  /** Disconnects a dead replica's clients; the lock keeps it to one survivor at a time. */
  private async reap(replicaId: string): Promise<void> {
    const lock = this.keys.replicaReaper(replicaId);
    const claimed = await this.redis.set(lock, this.replica.id, 'PX', this.timeoutMs * 6, 'NX');
    if (claimed === null) return;
    try {
      const clientIds = await this.clientStore.idsOnReplica(replicaId);
      if (clientIds.length > 0) {
        this.logger.warn(
          { replicaId, clients: clientIds.length },
          'Replica presumed dead: disconnecting its clients',
        );
      }
      for (const clientId of clientIds) await this.clients.disconnect(clientId);
      await this.redis.srem(this.keys.replicas, replicaId);
    } finally {
      // Released even after a failure, so that the next sweep (here or elsewhere) retries.
      await this.redis.del(lock).catch(() => undefined);
    }
  }
}
