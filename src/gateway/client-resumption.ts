import { Injectable, Logger } from '@nestjs/common';
import type { WebSocket } from 'ws';
import { CloseCode, type ResumeRefusalReason, type ServerMessages } from '@orion/protocol';
import { ClientsService } from '../clients/clients.service.js';
import { ReconnectionService } from '../clients/reconnection.service.js';
import { OrionEventBus, type WsFrameResult } from '../common/orion-events.js';
import { retryWhileUnavailable } from '../common/retry-while-unavailable.js';
import { StoreUnavailable } from '../common/store-unavailable.js';
import type { ResumeResult } from '../clients/client-store.js';
import type { HandedOver } from '../connections/client-handover.js';
import { ClientRegistry, type OutgoingMessage } from '../connections/client-registry.js';
import { RecentChat } from '../connections/recent-chat.js';
import { ReplicaIdentity } from '../connections/replica-identity.js';
import { LobbiesService } from '../lobbies/lobbies.service.js';
import { hostOf, memberOf } from '../lobbies/lobby.js';
import { MediationService } from '../mediation/mediation.service.js';
import { RelayService } from '../relay/relay.service.js';
import { ChatRateLimiter } from './chat-rate-limiter.js';
import { ClientHandover } from './client-handover.js';

type ChatPayload = ServerMessages['lobby_messaging_received'];

/** Clean-up after a resume must not be lost to a store stall: about 10 s of tries. */
const RETRY = { attempts: 20, delayMs: 500 };

/**
 * Opt-in reconnection (`--reconnectGraceMs`): `client_resume` on a new socket takes over the
 * client whose token it carries, if that client is away or still attached here (a socket
 * the server had not noticed was gone, which is closed with 4001). The socket's own, new
 * client is then dropped silently: it may be in no lobby. The resumed socket gets
 * `client_resumed` (its lobby and mediation as they are now), the chat it missed, and
 * what it was asked during mediation that it has not answered. Any refusal leaves the
 * socket its new client, fully usable.
 *
 * Two sockets resuming one client: the store's resume is atomic, and both succeed in turn;
 * the later takes the client over from the earlier, which is closed with 4001.
 *
 * The chat replayed is what the client has not seen by its own count (`chatReceived`), or
 * else what was sent to it while away (see {@link RecentChat}).
 *
 * With replicas, the client may come back through another replica than the one it left:
 * that one hands over the chat it kept, and closes the client's old socket if it still
 * thought it open (see {@link ClientHandover}).
 */
@Injectable()
export class ClientResumption {
  private readonly logger = new Logger(ClientResumption.name);

  constructor(
    private readonly registry: ClientRegistry,
    private readonly clients: ClientsService,
    private readonly reconnection: ReconnectionService,
    private readonly lobbies: LobbiesService,
    private readonly mediation: MediationService,
    private readonly events: OrionEventBus,
    private readonly chatLimiter: ChatRateLimiter,
    private readonly handover: ClientHandover,
    private readonly replica: ReplicaIdentity,
    private readonly recentChat: RecentChat,
    private readonly relay: RelayService,
  ) {}

  /**
   * Resumes the client holding `token` on `socket`, or tells the socket why not.
   * `chatReceived`: how many chat messages the client has received, if it says.
   */
  async resume(socket: WebSocket, token: string, chatReceived?: number): Promise<WsFrameResult> {
    const freshId = this.registry.clientIdOf(socket);
    if (freshId === undefined) return 'rejected';
    try {
      const refusal = await this.takeOver(socket, freshId, token, chatReceived);
      this.events.emit('client.resumeAnswered', { outcome: refusal ?? 'resumed' });
      if (refusal === undefined) return 'accepted';
      this.refuse(socket, freshId, refusal);
      return 'rejected';
    } catch (error) {
      this.events.emit('client.resumeAnswered', { outcome: 'unavailable' });
      this.refuse(socket, freshId, 'unavailable');
      if (error instanceof StoreUnavailable) return 'store_unavailable';
      throw error;
    }
  }

  /** Undefined once the client is resumed on `socket`; otherwise why it was not. */
  private async takeOver(
    socket: WebSocket,
    freshId: string,
    token: string,
    chatReceived: number | undefined,
  ): Promise<ResumeRefusalReason | undefined> {
    if ((await this.lobbies.lobbyIdOf(freshId)) !== undefined) return 'in_lobby';
    // Its own token: there is nothing to resume.
    if (await this.clients.ownsToken(freshId, token)) return 'unknown_client';
    let result = await this.reconnection.resume(token);
    let handedOver: HandedOver | undefined;
    if (result.outcome === 'elsewhere') {
      handedOver = await this.handover.takeFrom(result.replicaId, result.clientId);
      if (handedOver === undefined) return 'connected_elsewhere';
      result = await this.resumeLetGo(token, result, handedOver);
    }
    if (result.outcome === 'unknown') return 'unknown_client';
    if (result.outcome === 'elsewhere') return 'connected_elsewhere';

    // From here to the re-attachment, no await: nothing may see the socket half-moved.
    const clientId = result.client.id;
    const fromHere = result.previousReplicaId === this.replica.id;
    if (this.registry.clientIdOf(socket) !== freshId) {
      // This socket closed meanwhile (its new client was released with it). The client it
      // resumed has no socket again: it is held once more, without telling its lobby,
      // which never heard it was back. A client taken over here keeps its old socket.
      if (!fromHere && handedOver?.chat) this.recentChat.adopt(clientId, handedOver.chat);
      if (result.wasAway || !fromHere) {
        await retryWhileUnavailable(() => this.reconnection.markAway(clientId, false), RETRY);
      }
      return undefined;
    }
    const old = fromHere ? this.registry.socketOf(clientId) : undefined;
    if (old !== undefined && old !== socket) this.handover.closeTakenOver(old);
    this.registry.reattach(socket, clientId);
    this.chatLimiter.forget(freshId);
    this.logger.debug({ clientId, wasAway: result.wasAway, fromHere }, 'Client resumed');
    const missed = fromHere
      ? this.recentChat.unseen(clientId, chatReceived)
      : this.unseenElsewhere(result.previousReplicaId, clientId, handedOver, chatReceived);
    const droppingFresh = this.dropFresh(freshId);
    try {
      await this.welcomeBack(socket, clientId, result.wasAway, missed);
    } finally {
      await droppingFresh;
    }
    await this.mediation.resendTo(clientId);
    // After the peer list, which a client takes to start its relays afresh.
    await this.relay.resendTo(clientId);
    return undefined;
  }

  /**
   * The replica that held the client has let it go (its old socket closed, if it had one):
   * it is resumed here. Should the store fail now, the client is held away for its grace
   * rather than left on no socket at all.
   */
  private async resumeLetGo(
    token: string,
    elsewhere: Extract<ResumeResult, { outcome: 'elsewhere' }>,
    handedOver: HandedOver,
  ): Promise<ResumeResult> {
    const takeOverFrom = handedOver.socketClosed ? elsewhere.replicaId : undefined;
    try {
      return await this.reconnection.resume(token, takeOverFrom);
    } catch (error) {
      if (handedOver.socketClosed) {
        void retryWhileUnavailable(
          () => this.reconnection.markAway(elsewhere.clientId, false),
          RETRY,
        ).catch(() => undefined);
      }
      throw error;
    }
  }

  /**
   * The chat the client has not seen, from the history the replica it came from kept (asked
   * for now, unless already handed over); that history goes on here.
   */
  private async unseenElsewhere(
    replicaId: string,
    clientId: string,
    handedOver: HandedOver | undefined,
    chatReceived: number | undefined,
  ): Promise<ChatPayload[]> {
    const chat = (handedOver ?? (await this.handover.takeFrom(replicaId, clientId)))?.chat;
    return chat === undefined ? [] : this.recentChat.adopt(clientId, chat, chatReceived);
  }

  /**
   * The lobby hears the client is back; the socket gets `client_resumed`, then the chat it
   * missed, then what was sent to it meanwhile. When the summary cannot be read (the store
   * is away), the socket is closed with 1013: the client stays resumable for its grace.
   */
  private async welcomeBack(
    socket: WebSocket,
    clientId: string,
    wasAway: boolean,
    missedChat: ChatPayload[] | Promise<ChatPayload[]>,
  ) {
    try {
      const missed = await missedChat;
      if (wasAway) await this.events.emitAndWait('client.back', { clientId });
      const summary = await this.summaryOf(clientId, missed.length);
      this.registry.releaseResumed(clientId, [
        { method: 'client_resumed', payload: summary },
        ...missed.map((payload): OutgoingMessage => ({
          method: 'lobby_messaging_received',
          payload,
        })),
      ]);
    } catch (error) {
      socket.close(CloseCode.TRY_AGAIN_LATER, 'The server cannot resume clients right now.');
      throw error;
    } finally {
      // Never left holding its messages, whatever failed.
      this.registry.releaseResumed(clientId, []);
    }
  }

  /** The socket's own new client, dropped silently: it is in no lobby. Never throws. */
  private async dropFresh(freshId: string): Promise<void> {
    let tries = 0;
    await retryWhileUnavailable(() => this.clients.disconnect(freshId, tries++ > 0), RETRY).catch(
      (error: unknown) =>
        this.logger.error(
          { clientId: freshId },
          `Could not drop a resumed socket's new client: ${(error as Error)?.message ?? error}`,
        ),
    );
  }

  private async summaryOf(
    clientId: string,
    missedChat: number,
  ): Promise<ServerMessages['client_resumed']> {
    const lobbyId = await this.lobbies.lobbyIdOf(clientId);
    const lobby = lobbyId === undefined ? undefined : await this.lobbies.get(lobbyId);
    if (!lobby || !memberOf(lobby, clientId)) return { lobby: null, mediation: null, missedChat };
    const phase = await this.mediation.phaseOf(lobby.id);
    return {
      lobby: {
        lobbyId: lobby.id,
        lobbyName: lobby.name,
        host: hostOf(lobby).name,
        members: lobby.members.map((member) => member.name),
        locked: lobby.locked,
      },
      mediation: phase === undefined ? null : { phase },
      missedChat,
    };
  }

  private refuse(socket: WebSocket, clientId: string, reason: ResumeRefusalReason): void {
    // The client id only: never the token the frame carried.
    this.logger.debug({ clientId, reason }, 'Refused a resume');
    if (this.registry.clientIdOf(socket) === clientId) {
      this.registry.send(clientId, 'client_resumeRefused', { reason });
    }
  }
}
