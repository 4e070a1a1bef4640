import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { WebSocket } from 'ws';
import { OrionConfig } from '../config/orion-config.js';
import { ClientRegistry } from './client-registry.js';

/** Pings a client may leave unanswered; at the next beat after that, it is ended. */
export const MISSED_PONGS_ALLOWED = 2;

/**
 * Pings every client's WebSocket each `wsHeartbeatIntervalMs`, and terminates one that
 * missed two pongs in a row: a peer that vanished without closing (a cut cable, a
 * sleeping laptop) then leaves its lobbies like one that closed its socket.
 */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(HeartbeatService.name);
  private timer: NodeJS.Timeout | undefined;
  /** Pings sent since the socket's last pong; weak, so a closed socket takes its entry along. */
  private readonly unanswered = new WeakMap<WebSocket, number>();

  constructor(
    private readonly registry: ClientRegistry,
    private readonly config: OrionConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.beat(), this.config.wsHeartbeatIntervalMs);
    // The heartbeat alone must never keep the process alive.
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One beat: ends the clients that missed too many pongs and pings the others. */
  beat(): void {
    for (const socket of [...this.registry.sockets()]) {
      if (socket.readyState !== WebSocket.OPEN) continue;
      const unanswered = this.unanswered.get(socket);
      if (unanswered === undefined) socket.on('pong', () => this.unanswered.set(socket, 0));
      if ((unanswered ?? 0) >= MISSED_PONGS_ALLOWED) {
        this.logger.debug(
          { clientId: this.registry.clientIdOf(socket) },
          'Ending a client that stopped answering pings',
        );
        // Its close event then cleans up as for any client that left.
        socket.terminate();
        continue;
      }
      this.unanswered.set(socket, (unanswered ?? 0) + 1);
      socket.ping();
    }
  }
}
