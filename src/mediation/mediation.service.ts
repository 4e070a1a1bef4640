import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ClientsService } from '../clients/clients.service.js';
import {
  CLIENT_MESSENGER,
  sendToMembers,
  type ClientMessenger,
} from '../common/client-messenger.js';
import {
  OnOrionEvent,
  OrionEventBus,
  type MediationEndReason,
  type OrionEvents,
} from '../common/orion-events.js';
import { Errors } from '../common/orion-error.js';
import { OrionConfig } from '../config/orion-config.js';
import { LobbiesService } from '../lobbies/lobbies.service.js';
import { memberOf, type LobbyMember } from '../lobbies/lobby.js';
import {
  membersNotHeardFrom,
  pairedPeersNamed,
  peersFor,
  startMediation,
  type Endpoint,
  type Mediation,
  type MediationPhase,
} from './mediation.js';
import { ADVERTISED_UDP_PORT, type AdvertisedUdpPort } from './advertised-udp-port.js';
import { MEDIATION_STORE, type MediationStore } from './mediation-store.js';
import { MEDIATION_TIMER_HOME, type MediationTimerHome } from './mediation-timer-home.js';
import { PhaseTimers } from './phase-timers.js';
import { ReleasedHosts } from './released-hosts.js';
import { TimerWork } from './timer-work.js';

export const ABORT_REASONS = {
  udpTimeout: 'Timed out waiting for every peer to send its UDP packet to the server.',
  connectTimeout: 'Timed out waiting for every peer to connect to its peers.',
  memberLeft: (peerName: string) => `${peerName} left the lobby.`,
  relayFull: 'The relay has no free ports.',
} as const;

/** Who a relay request may pair: its sender and the named peers it is paired with. */
export interface RelayPairing {
  lobbyId: string;
  self: LobbyMember;
  peers: LobbyMember[];
}

/** What became of a member's datagram: its endpoint recorded (maybe again), or no use. */
export type EndpointOutcome = 'recorded' | 'already_recorded' | 'not_mediating' | 'unknown_token';

/**
 * Runs peer-to-peer mediation, one state machine per lobby (see the table in
 * mediation.ts): collects each member's public UDP endpoint, hands out the peers to
 * punch to, and waits for everyone to report success. The timers of a mediation run in
 * one process only, the one its {@link MediationTimerHome} names.
 */
@Injectable()
export class MediationService implements OnApplicationShutdown {
  private readonly logger = new Logger(MediationService.name);
  private readonly timers = new PhaseTimers();
  private readonly releasedHosts = new ReleasedHosts();
  private readonly timerWork = new TimerWork(this.logger, (lobbyId) =>
    this.events.emit('mediation.timerSkipped', { lobbyId }),
  );

  constructor(
    @Inject(MEDIATION_STORE) private readonly store: MediationStore,
    @Inject(CLIENT_MESSENGER) private readonly messenger: ClientMessenger,
    private readonly lobbies: LobbiesService,
    private readonly clients: ClientsService,
    @Inject(ADVERTISED_UDP_PORT) private readonly udpPort: AdvertisedUdpPort,
    private readonly config: OrionConfig,
    private readonly events: OrionEventBus,
    @Inject(MEDIATION_TIMER_HOME) private readonly timerHome: MediationTimerHome,
  ) {}

  /** The host starts mediation: the lobby locks and every member is asked for a packet. */
  async start(clientId: string, lobbyId: string): Promise<void> {
    const lobby = await this.lobbies.lockForMediation(clientId, lobbyId);
    const mediation = startMediation(lobby.id, lobby.hostId, lobby.members);
    if (!(await this.store.insert(mediation))) {
      await this.lobbies.unlock(lobby.id);
      throw Errors.mediationUnderway();
    }
    this.logger.log({ lobbyId: lobby.id, members: lobby.members.length }, 'Mediation started');
    this.events.emit('mediation.started', { lobbyId: lobby.id, members: lobby.members.length });
    // A member who left between the lock and the insert found no mediation to abort.
    const current = await this.lobbies.get(lobby.id);
    if (!current) {
      await this.end(lobby.id, 'lobby_closed');
      throw Errors.lobbyNotFound();
    }
    const departed = mediation.members.find((member) => !memberOf(current, member.clientId));
    if (departed) {
      await this.abort(lobby.id, 'member_left', ABORT_REASONS.memberLeft(departed.name));
      return;
    }
    await this.enterCollecting(mediation);
  }

  async reportPeersConnected(clientId: string): Promise<void> {
    const change = await this.store.recordConnected(clientId);
    if (change.outcome !== 'changed') throw Errors.noMediation();
    if (change.completed) await this.succeed(change.completed);
  }

  /**
   * The datagram carrying `token` came from `endpoint`: records it as that member's public
   * endpoint, and once every member's is in, hands out the peers to punch to.
   */
  async captureEndpoint(token: string, endpoint: Endpoint): Promise<EndpointOutcome> {
    const clientId = await this.clients.resolveToken(token).catch(() => undefined);
    if (clientId === undefined) return 'unknown_token';
    // One atomic step that finds the member's lobby too: packets of one lobby arriving
    // together never retry.
    const change = await this.store.recordEndpoint(clientId, endpoint, Date.now());
    if (change.outcome === 'missing') return 'not_mediating';
    if (change.outcome === 'unchanged') return 'already_recorded';
    const { lobbyId, completed } = change;
    // One per member and mediation: debug, like the other per-client events.
    this.logger.debug({ lobbyId, clientId }, 'UDP endpoint captured');
    if (completed) {
      this.events.emit('mediation.phaseEnded', {
        lobbyId,
        phase: 'collecting',
        // Collecting began with the mediation.
        durationMs: completed.phaseStartedAt - completed.startedAt,
      });
      await this.enterConnecting(completed);
    }
    return 'recorded';
  }

  /**
   * The pairs a `ptpMediation_relay_request` may relay: the sender with each named peer it
   * is paired with, while the peers phase lasts. Undefined when there is none.
   */
  async relayPairing(
    clientId: string,
    peerNames: readonly string[],
  ): Promise<RelayPairing | undefined> {
    const lobbyId = await this.lobbies.lobbyIdOf(clientId);
    const mediation = lobbyId === undefined ? undefined : await this.store.get(lobbyId);
    if (!mediation) return undefined;
    const paired = pairedPeersNamed(mediation, clientId, peerNames);
    return paired && paired.peers.length > 0
      ? { lobbyId: mediation.lobbyId, ...paired }
      : undefined;
  }

  /** The relay could not take a pair this mediation needs: it cannot succeed, so it ends now. */
  async abortForRelay(lobbyId: string): Promise<void> {
    await this.abort(lobbyId, 'relay_unavailable', ABORT_REASONS.relayFull, 'connecting');
  }

  /** The phase of the mediation running in `lobbyId`, if one is. */
  async phaseOf(lobbyId: string): Promise<MediationPhase | undefined> {
    return (await this.store.get(lobbyId))?.phase;
  }

  /**
   * Opt-in reconnection: a member that resumed gets again what it may have missed of its
   * lobby's mediation: `ptpMediation_send` while its packet is still awaited,
   * `ptpMediation_peersConnection_start` while its success report is. The phase is left as
   * it is; a host that came back through this replica brings its mediation's timers here
   * (see {@link releaseTimersOf}), counted from when the phase began.
   */
  async resendTo(clientId: string): Promise<void> {
    const lobbyId = await this.lobbies.lobbyIdOf(clientId);
    const mediation = lobbyId === undefined ? undefined : await this.store.get(lobbyId);
    const member = mediation?.members.find((candidate) => candidate.clientId === clientId);
    if (!mediation || !member) return;
    if (mediation.hostId === clientId) this.releasedHosts.delete(clientId);
    if (
      mediation.hostId === clientId &&
      this.timers.phaseOf(mediation.lobbyId) !== mediation.phase
    ) {
      this.armTimers(mediation);
    }
    if (mediation.phase === 'collecting') {
      if (!(clientId in mediation.endpoints)) this.askForPackets(mediation, [member]);
      return;
    }
    if (!mediation.connected.includes(clientId)) this.sendPeersTo(mediation, clientId);
  }

  /**
   * Another replica resumed `clientId`: if it hosts a mediation whose timers run here, they
   * stop here, since they run on the host's replica (which arms them on the resume); and a
   * phase change that reaches here late arms none (see ReleasedHosts).
   */
  async releaseTimersOf(clientId: string): Promise<void> {
    this.releasedHosts.add(clientId);
    if (this.timers.size === 0) return;
    const lobbyId = await this.lobbies.lobbyIdOf(clientId);
    if (lobbyId === undefined || this.timers.phaseOf(lobbyId) === undefined) return;
    const mediation = await this.store.get(lobbyId);
    if (mediation === undefined || mediation.hostId === clientId) this.timers.clear(lobbyId);
  }

  /** Another replica moved or ended a mediation whose timers run here. */
  @OnOrionEvent('mediation.changedElsewhere')
  async onChangedElsewhere({ lobbyId }: OrionEvents['mediation.changedElsewhere']): Promise<void> {
    const mediation = await this.store.get(lobbyId);
    if (!mediation || this.releasedHosts.has(mediation.hostId)) this.timers.clear(lobbyId);
    else if (this.timers.phaseOf(lobbyId) !== mediation.phase) this.armTimers(mediation);
  }

  @OnOrionEvent('lobby.memberLeft')
  async onMemberLeft({ lobbyId, peerName }: OrionEvents['lobby.memberLeft']): Promise<void> {
    await this.abort(lobbyId, 'member_left', ABORT_REASONS.memberLeft(peerName));
  }

  @OnOrionEvent('lobby.closed')
  async onLobbyClosed({ lobbyId }: OrionEvents['lobby.closed']): Promise<void> {
    const ended = await this.end(lobbyId, 'lobby_closed');
    if (ended) this.logger.log({ lobbyId, reason: 'lobby_closed' }, 'Mediation ended');
  }

  /**
   * Aborts every running mediation (or those `only` picks), telling its members why;
   * returns how many ended.
   */
  async abortAll(
    reason: MediationEndReason,
    abortReason: string,
    only: (mediation: Mediation) => boolean = () => true,
  ): Promise<number> {
    const running = (await this.store.list()).filter(only);
    const aborted = await Promise.all(
      running.map((mediation) => this.abort(mediation.lobbyId, reason, abortReason)),
    );
    return aborted.filter(Boolean).length;
  }

  onApplicationShutdown(): void {
    this.timers.clearAll();
    this.releasedHosts.clear();
    this.timerWork.stop();
  }

  /** Every running mediation and the lobbies holding timers: for operators and tests. */
  async inspect(): Promise<{ mediations: readonly Mediation[]; armedLobbyIds: string[] }> {
    return { mediations: await this.store.list(), armedLobbyIds: this.timers.lobbyIds() };
  }

  /** How many mediations hold timers; zero when none is running. */
  get activeTimerCount(): number {
    return this.timers.size;
  }

  private async enterCollecting(mediation: Mediation): Promise<void> {
    this.askForPackets(mediation, mediation.members);
    await this.placeTimers(mediation);
  }

  private async enterConnecting(mediation: Mediation): Promise<void> {
    this.logger.log({ lobbyId: mediation.lobbyId, phase: 'connecting' }, 'Mediation phase changed');
    for (const member of mediation.members) this.sendPeersTo(mediation, member.clientId);
    await this.placeTimers(mediation);
  }

  /** `ptpMediation_peersConnection_start`: who this member must reach. */
  private sendPeersTo(mediation: Mediation, clientId: string): void {
    this.messenger.send(
      clientId,
      'ptpMediation_peersConnection_start',
      { peers: peersFor(mediation, clientId) },
      mediation.hostId,
    );
  }

  /** Arms the phase's timers here, or tells the process that runs them. */
  private async placeTimers(mediation: Mediation): Promise<void> {
    // When the home cannot be found (the store is unreachable), the timers run here:
    // a mediation must never be left without the timeout that ends it.
    const home = await this.timerHome
      .route(mediation.lobbyId, mediation.hostId)
      .catch(() => 'here' as const);
    if (home === 'here') this.armTimers(mediation);
  }

  /** The current phase's timers, counted from when the phase began (maybe elsewhere). */
  private armTimers(mediation: Mediation): void {
    const { lobbyId, phase } = mediation;
    const elapsedMs = Date.now() - mediation.phaseStartedAt;
    const remaining = (timeoutMs: number) => Math.max(0, timeoutMs - elapsedMs);
    if (phase === 'collecting') {
      this.timers.arm(lobbyId, 'collecting', {
        timeoutMs: remaining(this.config.ptpmServerConnectTimeoutMs),
        onTimeout: () =>
          this.run(lobbyId, 'collecting', 'timeout', () =>
            this.abort(lobbyId, 'udp_timeout', ABORT_REASONS.udpTimeout, 'collecting'),
          ),
        intervalMs: this.config.ptpmConnectRequestIntervalMs,
        onTick: () => this.run(lobbyId, 'collecting', 'tick', () => this.remind(lobbyId)),
      });
      return;
    }
    this.timers.arm(lobbyId, 'connecting', {
      timeoutMs: remaining(this.config.ptpmConnectTimeoutMs),
      onTimeout: () =>
        this.run(lobbyId, 'connecting', 'timeout', () =>
          this.abort(lobbyId, 'connect_timeout', ABORT_REASONS.connectTimeout, 'connecting'),
        ),
    });
  }

  private async remind(lobbyId: string): Promise<void> {
    const mediation = await this.store.get(lobbyId);
    if (mediation?.phase !== 'collecting') {
      // Ended or moved on elsewhere (another replica took the last packet): stop reminding.
      if (this.timers.phaseOf(lobbyId) === 'collecting') this.timers.clear(lobbyId);
      return;
    }
    this.askForPackets(mediation, membersNotHeardFrom(mediation));
  }

  private async succeed(mediation: Mediation): Promise<void> {
    const { lobbyId } = mediation;
    if (!(await this.end(lobbyId, 'succeeded'))) return;
    this.logger.log({ lobbyId }, 'Mediation succeeded');
    sendToMembers(this.messenger, mediation.hostId, mediation.members, 'ptpMediation_success', {});
    await this.lobbies.close(lobbyId, 'mediation succeeded');
  }

  /** Ends the mediation and tells the lobby why; false when it had already ended. */
  private async abort(
    lobbyId: string,
    reason: MediationEndReason,
    abortReason: string,
    inPhase?: MediationPhase,
  ): Promise<boolean> {
    if (!(await this.end(lobbyId, reason, inPhase))) return false;
    this.logger.log({ lobbyId, reason, abortReason }, 'Mediation aborted');
    await this.lobbies.unlock(lobbyId);
    const lobby = await this.lobbies.get(lobbyId);
    if (lobby)
      sendToMembers(this.messenger, lobby.hostId, lobby.members, 'ptpMediation_aborted', {
        abortReason,
      });
    return true;
  }

  /**
   * Every way out of a mediation passes here: its timers are cleared and its record
   * removed. Returns the ended mediation, or undefined when it had already ended.
   */
  private async end(
    lobbyId: string,
    reason: MediationEndReason,
    inPhase?: MediationPhase,
  ): Promise<Mediation | undefined> {
    this.timers.clear(lobbyId);
    // A timeout ends only the phase that armed it: with replicas sharing the store,
    // another replica may have moved the mediation on since.
    const ended = await this.store.delete(lobbyId, inPhase);
    if (!ended) return undefined;
    // Ended here while its timers run elsewhere: that process clears them.
    await this.timerHome.route(lobbyId, ended.hostId).catch(() => undefined);
    this.events.emit('mediation.ended', {
      lobbyId,
      reason,
      phase: ended.phase,
      phaseDurationMs: Date.now() - ended.phaseStartedAt,
    });
    return ended;
  }

  private askForPackets(mediation: Mediation, members: readonly LobbyMember[]): void {
    const port = this.udpPort.advertisedPort;
    sendToMembers(this.messenger, mediation.hostId, members, 'ptpMediation_send', { port });
  }

  /** Runs a timer's work only while its phase is still the armed one, and never throws. */
  private run(
    lobbyId: string,
    phase: MediationPhase,
    kind: 'tick' | 'timeout',
    work: () => Promise<unknown>,
  ): void {
    if (this.timers.phaseOf(lobbyId) !== phase) return;
    this.timerWork[kind](lobbyId, work);
  }
}
