import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { RelayEndpoint } from '@orion/protocol';
import { ClientsService } from '../clients/clients.service.js';
import { CLIENT_MESSENGER, type ClientMessenger } from '../common/client-messenger.js';
import {
  OnOrionEvent,
  OrionEventBus,
  type OrionEvents,
  type RelaySessionEndReason,
} from '../common/orion-events.js';
import { BindHost } from '../config/bind-host.js';
import { OrionConfig } from '../config/orion-config.js';
import type { LobbyMember } from '../lobbies/lobby.js';
import { MediationService } from '../mediation/mediation.service.js';
import { RelayPortPool } from './relay-port-pool.js';
import { RelaySession, type RelaySide } from './relay-session.js';
import { relaySettingsOf, type RelaySettings } from './relay-settings.js';
import { bindFreePort } from './relay-sockets.js';

/** How often sessions are checked for idleness and age, at most. */
const MAX_SWEEP_INTERVAL_MS = 1_000;

/**
 * The opt-in relay for pairs that cannot punch (`--relayPorts`). A member in the peers phase
 * asks for its unreachable peers; each pair gets a session with a port per side, and both
 * sides are told where to send. Sessions live on this replica until idle, too old, or their
 * mediation aborts; they outlive the lobby, since the game goes on after it closes.
 */
@Injectable()
export class RelayService implements OnApplicationShutdown {
  private readonly logger = new Logger(RelayService.name);
  private readonly settings: RelaySettings | undefined;
  private readonly pool: RelayPortPool | undefined;
  /** By pair; a pending open is there too, so that both sides asking at once share one. */
  private readonly sessions = new Map<string, Promise<RelaySession | undefined>>();
  private readonly open = new Set<RelaySession>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    config: OrionConfig,
    private readonly bindHost: BindHost,
    private readonly mediation: MediationService,
    private readonly clients: ClientsService,
    @Inject(CLIENT_MESSENGER) private readonly messenger: ClientMessenger,
    private readonly events: OrionEventBus,
  ) {
    this.settings = relaySettingsOf(config);
    this.pool = this.settings && new RelayPortPool(this.settings.ports);
  }

  get enabled(): boolean {
    return this.settings !== undefined;
  }

  /**
   * `ptpMediation_relay_request`: relays the sender's pairs with the named peers it is paired
   * with, and tells both sides of each where to send. Ignored when the relay is off or the
   * request names no pair of a mediation in its peers phase.
   */
  async request(clientId: string, peerNames: readonly string[]): Promise<void> {
    if (!this.settings) return;
    const pairing = await this.mediation.relayPairing(clientId, peerNames);
    if (!pairing) return;
    const { lobbyId, self, peers } = pairing;
    const forSelf: RelayEndpoint[] = [];
    for (const peer of peers) {
      const session = await this.sessionFor(lobbyId, self, peer);
      if (!session) {
        this.events.emit('relay.refused', { lobbyId });
        this.logger.warn({ lobbyId }, 'Relay full: mediation aborted');
        await this.mediation.abortForRelay(lobbyId);
        return;
      }
      forSelf.push(this.endpointFor(session, self.clientId, peer.name));
      this.messenger.send(peer.clientId, 'ptpMediation_relay_allocated', {
        relays: [this.endpointFor(session, peer.clientId, self.name)],
      });
    }
    this.messenger.send(self.clientId, 'ptpMediation_relay_allocated', { relays: forSelf });
  }

  /**
   * Opt-in reconnection: a member resumed here gets again the relay endpoints of its pairs
   * relayed here, while their mediation still connects (it may have missed the allocation
   * while away; the peer's side was told already). Sessions of another replica stay unsaid.
   */
  async resendTo(clientId: string): Promise<void> {
    const relays = new Map<string, RelayEndpoint[]>();
    for (const session of this.open) {
      const other = session.sides.find((side) => side.member.clientId !== clientId);
      if (!session.sideOf(clientId) || !other) continue;
      const endpoints = relays.get(session.lobbyId) ?? [];
      endpoints.push(this.endpointFor(session, clientId, other.member.name));
      relays.set(session.lobbyId, endpoints);
    }
    for (const [lobbyId, endpoints] of relays) {
      if ((await this.mediation.phaseOf(lobbyId)) !== 'connecting') continue;
      this.messenger.send(clientId, 'ptpMediation_relay_allocated', { relays: endpoints });
    }
  }

  /** A mediation that aborts never needed its relays for a game: they end with it. */
  @OnOrionEvent('mediation.ended')
  onMediationEnded({ lobbyId, reason }: OrionEvents['mediation.ended']): void {
    if (reason === 'succeeded') return;
    for (const session of this.open) {
      if (session.lobbyId === lobbyId) this.end(session, 'mediation_aborted');
    }
  }

  onApplicationShutdown(): void {
    for (const session of this.open) this.end(session, 'shutdown');
  }

  private endpointFor(session: RelaySession, clientId: string, peerName: string): RelayEndpoint {
    return { peerName, ip: this.settings!.host, port: session.sideOf(clientId)!.port };
  }

  private sessionFor(
    lobbyId: string,
    a: LobbyMember,
    b: LobbyMember,
  ): Promise<RelaySession | undefined> {
    const key = `${lobbyId}:${[a.clientId, b.clientId].sort().join(':')}`;
    let session = this.sessions.get(key);
    if (!session) {
      session = this.openSession(key, lobbyId, a, b);
      this.sessions.set(key, session);
      // A failed open leaves nothing behind, so a later request may try again.
      void session.then((opened) => opened ?? this.sessions.delete(key));
    }
    return session;
  }

  private async openSession(
    key: string,
    lobbyId: string,
    a: LobbyMember,
    b: LobbyMember,
  ): Promise<RelaySession | undefined> {
    const settings = this.settings!;
    if (this.open.size >= settings.maxSessions) return undefined;
    const sideA = await this.openSide(a);
    const sideB = sideA && (await this.openSide(b));
    if (!sideA || !sideB) {
      if (sideA) this.closeSide(sideA);
      return undefined;
    }
    const session = new RelaySession(key, lobbyId, [sideA, sideB], settings.bytesPerSecond, {
      clientIdOf: (token) => this.clients.resolveToken(token).catch(() => undefined),
      counted: (result, bytes) => this.events.emit('relay.datagram', { result, bytes }),
    });
    this.open.add(session);
    this.events.emit('relay.sessionOpened', {});
    this.logger.log({ lobbyId, clientIds: [a.clientId, b.clientId] }, 'Relay session opened');
    this.armSweeper();
    return session;
  }

  private async openSide(member: LobbyMember): Promise<RelaySide | undefined> {
    const opened = await bindFreePort(this.pool!, this.bindHost.address);
    if (!opened) return undefined;
    // Send failures (an unreachable peer) must not crash the process; the game resends.
    opened.socket.on('error', (error) =>
      this.logger.debug({ port: opened.port, error: error.message }, 'Relay socket error'),
    );
    return { member, ...opened };
  }

  private closeSide(side: RelaySide): void {
    side.socket.close();
    this.pool!.give(side.port);
  }

  private end(session: RelaySession, reason: RelaySessionEndReason): void {
    if (!this.open.delete(session)) return;
    this.sessions.delete(session.key);
    session.close();
    for (const side of session.sides) this.pool!.give(side.port);
    this.events.emit('relay.sessionEnded', { reason });
    this.logger.log({ lobbyId: session.lobbyId, reason }, 'Relay session ended');
    if (this.open.size === 0) this.disarmSweeper();
  }

  private armSweeper(): void {
    if (this.sweeper) return;
    const { idleTimeoutMs, maxLifetimeMs } = this.settings!;
    const interval = Math.max(
      10,
      Math.min(MAX_SWEEP_INTERVAL_MS, Math.min(idleTimeoutMs, maxLifetimeMs) / 4),
    );
    this.sweeper = setInterval(() => this.sweep(), interval);
    this.sweeper.unref();
  }

  private disarmSweeper(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private sweep(): void {
    const now = performance.now();
    const { idleTimeoutMs, maxLifetimeMs } = this.settings!;
    for (const session of this.open) {
      if (now - session.openedAt >= maxLifetimeMs) this.end(session, 'lifetime');
      else if (now - session.lastActivityAt >= idleTimeoutMs) this.end(session, 'idle');
    }
  }
}
