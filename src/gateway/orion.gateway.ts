import { Inject, Logger, UseFilters, type BeforeApplicationShutdown } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
} from '@nestjs/websockets';
import type { ClassConstructor } from 'class-transformer';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { CloseCode } from '@orion/protocol';
import { ClientsService } from '../clients/clients.service.js';
import { ReconnectionService } from '../clients/reconnection.service.js';
import { CLIENT_MESSENGER, type ClientMessenger } from '../common/client-messenger.js';
import { OrionEventBus, type WsFrameResult } from '../common/orion-events.js';
import { retryWhileUnavailable } from '../common/retry-while-unavailable.js';
import { StoreUnavailable } from '../common/store-unavailable.js';
import { validatePayload } from '../common/validate-payload.js';
import { LobbiesService } from '../lobbies/lobbies.service.js';
import { MediationService } from '../mediation/mediation.service.js';
import { ChatRateLimiter } from './chat-rate-limiter.js';
import { DropWsExceptionsFilter } from './drop-ws-exceptions.filter.js';
import { socketClosed } from '../connections/socket-closed.js';
import { ClientRegistry } from '../connections/client-registry.js';
import { RelayService } from '../relay/relay.service.js';
import { CLIENT_MESSAGE_DTOS } from './client-messages.js';
import { ClientResumption } from './client-resumption.js';

/**
 * A departure that met a stalled store is tried again, so that the client's lobby still
 * hears of it: about 10 s in all, the default time before replicas presume one dead.
 */
const RELEASE_RETRY = { attempts: 20, delayMs: 500 };

/** WebSocket close code of a clean close: the client left on purpose. */
const NORMAL_CLOSURE = 1000;

/**
 * The WebSocket edge: registers clients on connect, releases them on close, and turns
 * client messages into service calls. Invalid messages are dropped without a reply.
 *
 * With reconnection on (`--reconnectGraceMs`), a socket that closes without a clean close
 * (code 1000), and that the server did not end itself, leaves its client away for the grace
 * instead of disconnected; `client_resume` on a new socket takes it back.
 */
@WebSocketGateway()
@UseFilters(new DropWsExceptionsFilter())
export class OrionGateway
  implements OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown
{
  private readonly logger = new Logger(OrionGateway.name);
  /** Registrations and releases under way. */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly registry: ClientRegistry,
    private readonly clients: ClientsService,
    private readonly reconnection: ReconnectionService,
    private readonly lobbies: LobbiesService,
    private readonly mediation: MediationService,
    private readonly events: OrionEventBus,
    private readonly chatLimiter: ChatRateLimiter,
    @Inject(CLIENT_MESSENGER) private readonly messenger: ClientMessenger,
    private readonly relay: RelayService,
    private readonly resumption: ClientResumption,
  ) {}

  async handleConnection(socket: WebSocket, request?: IncomingMessage): Promise<void> {
    await this.track(this.register(socket, request), 'register');
  }

  /**
   * `closeCode` is what ws's 'close' event gives first: the close code (1006 when no close
   * frame came). Nest's interface names it a reason.
   */
  async handleDisconnect(socket: WebSocket, closeCode?: number | string): Promise<void> {
    const code = typeof closeCode === 'number' ? closeCode : undefined;
    await this.track(this.release(socket, code), 'release');
  }

  /**
   * Before the app's providers shut down (the store connection among them): ends every
   * socket and waits until each client has been released, its lobbies and mediations too.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const sockets = [...this.registry.sockets()];
    const closed = sockets.map(socketClosed);
    for (const socket of sockets) {
      this.registry.markEndedByServer(socket);
      socket.terminate();
    }
    await Promise.all(closed);
    await Promise.allSettled([...this.pending]);
    // Clients away here leave now, while the store is still there to tell their lobbies.
    await this.reconnection.disconnectAwayClients();
    // What those releases told clients on other replicas must leave before the store closes.
    await this.messenger.flushed();
  }

  private async register(socket: WebSocket, request?: IncomingMessage): Promise<void> {
    // A protocol error (an oversized or malformed frame: ws closes the socket) is the
    // client's doing, not a vanishing: no reconnection grace.
    socket.on('error', (error: Error & { code?: string }) => {
      if (error.code?.startsWith('WS_ERR_')) this.registry.markEndedByServer(socket);
    });
    const registered = await this.clients.register().catch((error: unknown) => {
      // Without a token the socket is useless: 1013 asks the client to try again later.
      socket.close(CloseCode.TRY_AGAIN_LATER, 'The server cannot register clients right now.');
      throw error;
    });
    const { clientId, token } = registered;
    if (socket.readyState !== socket.OPEN) {
      await this.clients.disconnect(clientId);
      return;
    }
    this.registry.attach(clientId, socket, request?.socket);
    this.registry.send(clientId, 'client_registered', { token });
  }

  private async release(socket: WebSocket, code?: number): Promise<void> {
    const clientId = this.registry.detach(socket);
    if (clientId === undefined) return;
    this.chatLimiter.forget(clientId);
    if (this.reconnection.enabled && this.vanished(socket, code)) {
      await retryWhileUnavailable(() => this.reconnection.markAway(clientId), RELEASE_RETRY);
      return;
    }
    let tries = 0;
    await retryWhileUnavailable(
      () => this.clients.disconnect(clientId, tries++ > 0),
      RELEASE_RETRY,
    );
  }

  /** The client lost its socket: no clean close, and the server did not end it. */
  private vanished(socket: WebSocket, code?: number): boolean {
    return code !== NORMAL_CLOSURE && !this.registry.endedByServer(socket);
  }

  /**
   * Keeps the work while it runs, so shutdown can wait for it, and logs a failure (a
   * store that is unreachable, say) instead of letting it escape unhandled.
   */
  private async track(work: Promise<void>, what: string): Promise<void> {
    this.pending.add(work);
    try {
      await work;
    } catch (error) {
      this.logger.error(`Could not ${what} a client: ${(error as Error)?.message ?? error}`);
    } finally {
      this.pending.delete(work);
    }
  }

  /** Chat over the client's rate is dropped before any other check, like invalid chat. */
  @SubscribeMessage('lobby_messaging_send')
  async onChat(@ConnectedSocket() socket: WebSocket, @MessageBody() body: unknown) {
    const clientId = this.registry.clientIdOf(socket);
    if (clientId !== undefined && !this.chatLimiter.tryTake(clientId)) {
      this.events.emit('ws.frame', { result: 'rate_limited' });
      return;
    }
    await this.authorized(
      socket,
      CLIENT_MESSAGE_DTOS.lobby_messaging_send,
      body,
      (clientId, message) => this.lobbies.chat(clientId, message.lobbyId, message.message),
    );
  }

  @SubscribeMessage('ptpMediation_peersConnection_success')
  async onPeersConnected(@ConnectedSocket() socket: WebSocket, @MessageBody() body: unknown) {
    await this.authorized(
      socket,
      CLIENT_MESSAGE_DTOS.ptpMediation_peersConnection_success,
      body,
      (clientId) => this.mediation.reportPeersConnected(clientId),
    );
  }

  /** Opt-in relay; with it off the message is unknown, as it was before the relay existed. */
  @SubscribeMessage('ptpMediation_relay_request')
  async onRelayRequest(@ConnectedSocket() socket: WebSocket, @MessageBody() body: unknown) {
    if (!this.relay.enabled) {
      this.events.emit('ws.frame', { result: 'unknown_method' });
      return;
    }
    await this.authorized(
      socket,
      CLIENT_MESSAGE_DTOS.ptpMediation_relay_request,
      body,
      (clientId, message) => this.relay.request(clientId, message.peerNames),
    );
  }

  /**
   * Opt-in reconnection: the first frame of a new socket may resume a client whose socket
   * dropped. With `--reconnectGraceMs 0` the message is unknown, as before it existed.
   */
  @SubscribeMessage('client_resume')
  async onResume(@ConnectedSocket() socket: WebSocket, @MessageBody() body: unknown) {
    if (!this.reconnection.enabled) {
      this.events.emit('ws.frame', { result: 'unknown_method' });
      return;
    }
    const message = validatePayload(CLIENT_MESSAGE_DTOS.client_resume, body);
    const result = message
      ? await this.resumption.resume(socket, message.token, message.chatReceived)
      : 'rejected';
    this.events.emit('ws.frame', { result });
  }

  /**
   * Runs `action` only for a valid payload whose token belongs to this very socket.
   * Everything else, including domain errors, is dropped as the protocol asks.
   */
  private async authorized<T extends { token: string }>(
    socket: WebSocket,
    dto: ClassConstructor<T>,
    body: unknown,
    action: (clientId: string, message: T) => Promise<void>,
  ): Promise<void> {
    const result = await this.runAuthorized(socket, dto, body, action);
    this.events.emit('ws.frame', { result });
  }

  /** What came of the message: run to completion, dropped, or dropped for want of the store. */
  private async runAuthorized<T extends { token: string }>(
    socket: WebSocket,
    dto: ClassConstructor<T>,
    body: unknown,
    action: (clientId: string, message: T) => Promise<void>,
  ): Promise<WsFrameResult> {
    const clientId = this.registry.clientIdOf(socket);
    const message = validatePayload(dto, body);
    if (clientId === undefined || !message) return 'rejected';
    try {
      if (!(await this.clients.ownsToken(clientId, message.token))) return 'rejected';
      await action(clientId, message);
      return 'accepted';
    } catch (error) {
      if (error instanceof StoreUnavailable) return 'store_unavailable';
      this.logger.verbose({ clientId, reason: (error as Error).message }, 'Dropped a message');
      return 'rejected';
    }
  }
}
