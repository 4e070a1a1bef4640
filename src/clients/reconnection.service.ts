import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { OrionEventBus } from '../common/orion-events.js';
import { retryWhileUnavailable } from '../common/retry-while-unavailable.js';
import { OrionConfig } from '../config/orion-config.js';
import { ClientRegistry } from '../connections/client-registry.js';
import { RecentChat } from '../connections/recent-chat.js';
import { ReplicaIdentity } from '../connections/replica-identity.js';
import { CLIENT_STORE, type ClientStore, type ResumeResult } from './client-store.js';
import { ClientsService } from './clients.service.js';
import { GraceTimers } from './grace-timers.js';

/**
 * An expiry that met a stalled store is tried again, so that the client's lobby still hears
 * of its departure: about 10 s in all, as for a socket's close.
 */
const EXPIRY_RETRY = { attempts: 20, delayMs: 500 };

/**
 * The rules of opt-in reconnection (`--reconnectGraceMs` > 0) for clients: a client whose
 * socket dropped is held away for the grace period (see {@link markAway}), and either
 * resumed by a new socket ({@link resume}) or, when the grace ends, forgotten exactly as
 * ClientsService.disconnect forgets a client. Moving the sockets is the gateway's part.
 */
@Injectable()
export class ReconnectionService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ReconnectionService.name);
  /** Clients whose going away is under way: a resume waits for it to settle. */
  private readonly goingAway = new Map<string, Promise<void>>();
  /** Expiries under way, so that shutdown can wait for them. */
  private readonly expiring = new Set<Promise<void>>();
  /** Away clients whose resume failed for want of the store, maybe half-way. */
  private readonly resumeFailed = new Set<string>();
  private closing = false;

  constructor(
    @Inject(CLIENT_STORE) private readonly store: ClientStore,
    private readonly clients: ClientsService,
    private readonly events: OrionEventBus,
    private readonly replica: ReplicaIdentity,
    private readonly config: OrionConfig,
    private readonly away: GraceTimers,
    private readonly registry: ClientRegistry,
    private readonly recentChat: RecentChat,
  ) {}

  /** True when a client whose socket drops is held for a while (`--reconnectGraceMs`). */
  get enabled(): boolean {
    return this.config.reconnectGraceMs > 0;
  }

  /**
   * The client's socket dropped without a clean close: with reconnection on, the client is
   * held away until the grace ends (its lobby hears `client.away`), and chat sent to it
   * meanwhile is kept; otherwise, or while shutting down, it is disconnected at once. Safe
   * to repeat: a repeat starts the grace afresh.
   * `announce` false holds it again without telling its lobby (it never heard it was back).
   */
  markAway(clientId: string, announce = true): Promise<void> {
    if (!this.enabled || this.closing) return this.leave(clientId);
    // At once, before any store round trip, so that no chat sent meanwhile is lost.
    this.recentChat.markAway(clientId);
    const going = this.goAway(clientId, announce);
    this.goingAway.set(clientId, going);
    const settle = () => {
      if (this.goingAway.get(clientId) === going) this.goingAway.delete(clientId);
    };
    going.then(settle, settle);
    return going;
  }

  /**
   * Attaches the client holding `token` to this replica, if it is away or attached here
   * (or to `takeOverFrom`, which let its socket go; see {@link ClientStore.resume}); its
   * grace timer stops. The caller moves the socket.
   */
  async resume(token: string, takeOverFrom?: string): Promise<ResumeResult> {
    const known = await this.store.findByToken(token);
    if (!known) return { outcome: 'unknown' };
    // A socket that dropped a moment ago may still be on its way out: let it settle first.
    await this.whenSettled(known.id);
    let result: ResumeResult;
    try {
      result = await this.store.resume(token, this.replica.id, takeOverFrom);
    } catch (error) {
      // The store may have attached the record all the same: the expiry checks for that.
      this.resumeFailed.add(known.id);
      throw error;
    }
    if (result.outcome === 'resumed') {
      this.away.cancel(result.client.id);
      this.resumeFailed.delete(result.client.id);
    }
    return result;
  }

  /** Resolves once a going away of the client under way here has settled. */
  async whenSettled(clientId: string): Promise<void> {
    await this.goingAway.get(clientId)?.catch(() => undefined);
  }

  /**
   * Another replica takes the client over (it resumed there): nothing of it is held here
   * any more, not even its grace timer.
   */
  handedOver(clientId: string): void {
    this.away.cancel(clientId);
    this.resumeFailed.delete(clientId);
    this.store.evictCached(clientId);
  }

  /** True while the client is away from this process, its grace running here. */
  isAwayHere(clientId: string): boolean {
    return this.away.has(clientId);
  }

  /** How many clients are away in this process, their grace running. */
  get awayCount(): number {
    return this.away.size;
  }

  /**
   * At shutdown, clients away here leave at once (their lobbies hear it now, while the
   * store is still there), and no client goes away from now on.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.disconnectAwayClients();
  }

  /** Ends the grace of every client away here: each leaves now. Safe to repeat. */
  async disconnectAwayClients(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.goingAway.values(), ...this.expiring]);
    const ids = this.away.cancelAll();
    await Promise.allSettled(
      ids.map((clientId) => {
        let tries = 0;
        return retryWhileUnavailable(() => this.leave(clientId, tries++ > 0), EXPIRY_RETRY).catch(
          (error: unknown) => this.reportExpiryFailure(clientId, error),
        );
      }),
    );
  }

  private async goAway(clientId: string, announce: boolean): Promise<void> {
    const awayUntil = Date.now() + this.config.reconnectGraceMs;
    let marked: boolean;
    try {
      marked = await this.store.markAway(clientId, awayUntil);
    } catch (error) {
      this.recentChat.forget(clientId);
      throw error;
    }
    if (!marked) {
      // Gone already (a dead replica's clean-up, say): nothing to hold.
      this.recentChat.forget(clientId);
      return;
    }
    if (this.closing) {
      await this.leave(clientId, true);
      return;
    }
    this.away.arm(clientId, awayUntil, () => this.expire(clientId, awayUntil));
    this.logger.debug({ clientId, graceMs: this.config.reconnectGraceMs }, 'Client away');
    if (announce) await this.events.emitAndWait('client.away', { clientId });
  }

  /** The grace ended: the client leaves unless it was resumed (or went away again) since. */
  private expire(clientId: string, awayUntil: number): void {
    let tries = 0;
    const work = retryWhileUnavailable(
      () => this.expireNow(clientId, awayUntil, tries++ > 0),
      EXPIRY_RETRY,
    )
      .catch((error: unknown) => this.reportExpiryFailure(clientId, error))
      .finally(() => this.expiring.delete(work));
    this.expiring.add(work);
  }

  private async expireNow(clientId: string, awayUntil: number, retrying: boolean): Promise<void> {
    const expired = await this.store.expire(clientId, awayUntil);
    if (expired) return this.announceDeparture(clientId);
    // Resumed through another replica: the chat kept here is for nobody now.
    if (!this.goingAway.has(clientId) && !this.registry.holds(clientId)) {
      this.recentChat.forget(clientId);
    }
    const halfResumed = this.resumeFailed.has(clientId);
    if (!retrying && !halfResumed) return;
    const current = await this.store.get(clientId);
    // An earlier try may have deleted it after all: the departure is announced again.
    if (current === undefined) return this.announceDeparture(clientId);
    // A resume whose store call failed may have attached the record here all the same,
    // leaving a client that no socket carries: it leaves now.
    if (halfResumed && current.awayUntil === undefined && !this.registry.holds(clientId)) {
      await this.leave(clientId, retrying);
    }
  }

  private async announceDeparture(clientId: string): Promise<void> {
    this.resumeFailed.delete(clientId);
    this.recentChat.forget(clientId);
    this.logger.debug({ clientId }, 'Client disconnected: its reconnection grace ended');
    await this.events.emitAndWait('client.disconnected', { clientId });
  }

  private reportExpiryFailure(clientId: string, error: unknown): void {
    this.logger.error(
      { clientId },
      `Could not end an away client: ${(error as Error)?.message ?? error}`,
    );
  }

  /** The client leaves for good: nothing of its absence is kept, and its lobby hears it. */
  private leave(clientId: string, retrying = false): Promise<void> {
    this.away.cancel(clientId);
    this.resumeFailed.delete(clientId);
    return this.clients.disconnect(clientId, retrying);
  }
}
