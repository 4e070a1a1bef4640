import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { WebSocket } from 'ws';
import { CloseCode } from '@orion/protocol';
import { ReconnectionService } from '../clients/reconnection.service.js';
import {
  CLIENT_HANDOVER_CHANNEL,
  type ClientHandoverChannel,
  type HandedOver,
} from '../connections/client-handover.js';
import { ClientRegistry } from '../connections/client-registry.js';
import { RecentChat } from '../connections/recent-chat.js';
import { MediationService } from '../mediation/mediation.service.js';
import { ChatRateLimiter } from './chat-rate-limiter.js';

export const RESUMED_ELSEWHERE_CLOSE_REASON = 'Resumed on another connection';

/** How long a taken-over socket has to complete its close handshake before it is cut. */
const TAKEN_OVER_CLOSE_MS = 1_000;

/**
 * The side of a resume that lets a client go: its old socket, if one is still open, is
 * closed with 4001, and the chat kept for it is handed on. The replica that held
 * the client does this, asked over the handover channel when another replica resumes it.
 */
@Injectable()
export class ClientHandover implements OnModuleInit {
  constructor(
    private readonly registry: ClientRegistry,
    private readonly reconnection: ReconnectionService,
    private readonly chatLimiter: ChatRateLimiter,
    private readonly recentChat: RecentChat,
    private readonly mediation: MediationService,
    @Inject(CLIENT_HANDOVER_CHANNEL) private readonly channel: ClientHandoverChannel,
  ) {}

  onModuleInit(): void {
    this.channel.serve((clientId) => this.letGo(clientId));
  }

  /**
   * Takes `clientId` from the replica `replicaId` (never this one's current id: the store
   * resumes a client held here without asking); undefined when it did not answer.
   */
  takeFrom(replicaId: string, clientId: string): Promise<HandedOver | undefined> {
    return this.channel.request(replicaId, clientId);
  }

  /** The old socket of a client taken over: detached first, so that its close is no departure. */
  closeTakenOver(old: WebSocket): void {
    this.registry.detach(old);
    this.registry.markEndedByServer(old);
    old.close(CloseCode.RESUMED_ELSEWHERE, RESUMED_ELSEWHERE_CLOSE_REASON);
    // A socket the peer no longer reads would wait 30 s for its close handshake.
    setTimeout(() => old.terminate(), TAKEN_OVER_CLOSE_MS).unref();
  }

  /**
   * Another replica resumes `clientId`: this one lets go, once a going away under way
   * settles. A mediation it hosts takes its timers along (the new replica arms them).
   */
  private async letGo(clientId: string): Promise<HandedOver> {
    await this.reconnection.whenSettled(clientId);
    const handedOver = this.letGoHere(clientId);
    this.reconnection.handedOver(clientId);
    await this.mediation.releaseTimersOf(clientId).catch(() => undefined);
    return handedOver;
  }

  private letGoHere(clientId: string): HandedOver {
    const socket = this.registry.socketOf(clientId);
    if (socket !== undefined) {
      this.closeTakenOver(socket);
      this.chatLimiter.forget(clientId);
    }
    return { socketClosed: socket !== undefined, chat: this.recentChat.export(clientId) };
  }
}
