import { Inject, Injectable, Logger } from '@nestjs/common';
import { CloseCode } from '@orion/protocol';
import { OrionConfig } from '../config/orion-config.js';
import { ReconnectionService } from '../clients/reconnection.service.js';
import { CLIENT_MESSENGER, type ClientMessenger } from '../common/client-messenger.js';
import { ClientRegistry } from '../connections/client-registry.js';
import { socketClosed } from '../connections/socket-closed.js';
import { LobbiesService } from '../lobbies/lobbies.service.js';
import { MediationService } from '../mediation/mediation.service.js';
import { DrainState, SHUTTING_DOWN } from './drain-state.js';

/** What a drain did, for the log line that ends it. */
export interface DrainReport {
  mediationsAborted: number;
  lobbiesClosed: number;
  socketsClosed: number;
  socketsTerminated: number;
}

/**
 * Empties the server before it stops, so no client is dropped without being told:
 * running mediations get `ptpMediation_aborted`, then every lobby `lobby_closed`, then
 * every socket a close frame with 1001. Draining is one-way (see {@link DrainState}).
 *
 * Only what this process's clients take part in is ended: with replicas sharing a store,
 * the others' lobbies carry on. A lobby hosted here closes; a mediation with a member
 * here aborts; a member here of a lobby hosted elsewhere leaves it when its socket closes.
 */
@Injectable()
export class DrainService {
  private readonly logger = new Logger(DrainService.name);

  constructor(
    private readonly state: DrainState,
    private readonly mediation: MediationService,
    private readonly lobbies: LobbiesService,
    private readonly registry: ClientRegistry,
    private readonly reconnection: ReconnectionService,
    @Inject(CLIENT_MESSENGER) private readonly messenger: ClientMessenger,
    private readonly config: OrionConfig,
  ) {}

  /** Drains once; a second call while draining resolves to undefined at once. */
  async drain(): Promise<DrainReport | undefined> {
    if (!this.state.begin()) return undefined;
    this.logger.log('Draining: refusing new clients and lobbies');
    // Aborts first: closing a lobby ends its mediation without `ptpMediation_aborted`.
    const here = (clientId: string) =>
      this.registry.holds(clientId) || this.reconnection.isAwayHere(clientId);
    const mediationsAborted = await this.mediation.abortAll(
      'server_shutdown',
      SHUTTING_DOWN,
      (mediation) => mediation.members.some((member) => here(member.clientId)),
    );
    const lobbiesClosed = await this.lobbies.closeAll('server shutting down', (lobby) =>
      here(lobby.hostId),
    );
    // What those aborts and closes told clients must reach their sockets before they close.
    await this.messenger.flushed();
    const { closed, terminated } = await this.closeSockets();
    const report = {
      mediationsAborted,
      lobbiesClosed,
      socketsClosed: closed,
      socketsTerminated: terminated,
    };
    this.logger.log(report, 'Drained');
    return report;
  }

  /**
   * Sends every client a 1001 close frame and waits for the close handshakes, for half
   * the shutdown grace at most (the app still has to close after this); sockets that
   * have not finished by then are terminated.
   */
  private async closeSockets(): Promise<{ closed: number; terminated: number }> {
    const sockets = [...this.registry.sockets()];
    const closed = sockets.map(socketClosed);
    this.registry.closeAll(CloseCode.GOING_AWAY, SHUTTING_DOWN);
    const waitMs = Math.max(1, Math.floor(this.config.shutdownGraceMs / 2));
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, waitMs).unref());
    await Promise.race([Promise.all(closed), deadline]);
    let terminated = 0;
    for (const socket of sockets) {
      if (socket.readyState === socket.CLOSED) continue;
      // Terminating also fires the close its waiting listener was for.
      socket.terminate();
      terminated++;
    }
    return { closed: sockets.length - terminated, terminated };
  }
}
