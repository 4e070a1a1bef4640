import { Injectable, Logger } from '@nestjs/common';
import type { WebSocket } from 'ws';
import { OrionConfig } from '../config/orion-config.js';
import { ClientRegistry } from '../gateway/client-registry.js';
import { LobbiesService } from '../lobbies/lobbies.service.js';
import { MediationService } from '../mediation/mediation.service.js';
import { DrainState, SHUTTING_DOWN } from './drain-state.js';

/** WebSocket close code 1001: the endpoint is going away. */
export const GOING_AWAY = 1001;

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
 */
@Injectable()
export class DrainService {
  private readonly logger = new Logger(DrainService.name);

  constructor(
    private readonly state: DrainState,
    private readonly mediation: MediationService,
    private readonly lobbies: LobbiesService,
    private readonly registry: ClientRegistry,
    private readonly config: OrionConfig,
  ) {}

  /** Drains once; a second call while draining resolves to undefined at once. */
  async drain(): Promise<DrainReport | undefined> {
    if (!this.state.begin()) return undefined;
    this.logger.log('Draining: refusing new clients and lobbies');
    // Aborts first: closing a lobby ends its mediation without `ptpMediation_aborted`.
    const mediationsAborted = await this.mediation.abortAll('server_shutdown', SHUTTING_DOWN);
    const lobbiesClosed = await this.lobbies.closeAll('server shutting down');
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
    const closing = sockets.map(closedOrTimedOut);
    this.registry.closeAll(GOING_AWAY, SHUTTING_DOWN);
    const waitMs = Math.max(1, Math.floor(this.config.shutdownGraceMs / 2));
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, waitMs).unref());
    await Promise.race([Promise.all(closing.map(({ closed }) => closed)), deadline]);
    let terminated = 0;
    for (const socket of sockets) {
      if (socket.readyState === socket.CLOSED) continue;
      socket.terminate();
      terminated++;
    }
    for (const { stop } of closing) stop();
    return { closed: sockets.length - terminated, terminated };
  }
}

/** Resolves when the socket has closed; `stop` removes the listener if it never does. */
function closedOrTimedOut(socket: WebSocket): { closed: Promise<void>; stop: () => void } {
  let onClose: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    onClose = () => resolve();
    if (socket.readyState === socket.CLOSED) resolve();
    else socket.once('close', onClose);
  });
  return { closed, stop: () => socket.off('close', onClose) };
}
