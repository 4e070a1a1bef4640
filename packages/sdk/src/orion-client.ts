import type { Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { WebSocket } from 'ws';
import {
  encodeFrame,
  UDP_CONNECT_METHOD,
  type PeerEndpoint,
  type RelayEndpoint,
  type ServerMessages,
  type ServerMethod,
} from '@orion/protocol';
import type { OrionClientEvent, OrionClientEvents } from './client-events.js';
import { MediationInterruptedError } from './errors.js';
import {
  OrionHttpApi,
  type HostedLobby,
  type HostOptions,
  type JoinedLobby,
  type JoinOptions,
  type KickOptions,
  type LobbyFilters,
  type LobbyPage,
  type LobbySettings,
  type LobbySummary,
  type LobbyUpdate,
  type QuickJoinFilters,
} from './http-api.js';
import { runMediation, type MediateOptions } from './mediation-session.js';
import { MessageQueue } from './message-queue.js';
import { reconnectSettingsOf, type ReconnectOptions } from './reconnect-options.js';
import { encodeRelayBind } from './relay-frames.js';
import { ResumingLink } from './resuming-link.js';
import { sendQuietly } from './udp-address.js';
import { bindUdpSocket, closeUdpSocket } from './udp-socket.js';
import { webSocketUrlOf, whenOpen } from './websocket-link.js';

export interface OrionClientOptions {
  /** Orion's HTTP and WebSocket address (one port), e.g. `http://127.0.0.1:5980`. */
  url: string;
  /** Where `ptpMediation_connect` goes; default: the url's hostname. */
  udpHost?: string;
  /** Bind address of the UDP socket; default `0.0.0.0`, or `::` for an IPv6 Orion. */
  localAddress?: string;
  /** Bind port of the UDP socket; default 0 (any free port). */
  localPort?: number;
  /** Limit for the WebSocket to open and `client_registered` to arrive; default 5000 ms. */
  connectTimeoutMs?: number;
  /** Limit for each HTTP request; default 10000 ms. */
  requestTimeoutMs?: number;
  /**
   * Resume this client on a new WebSocket when its connection drops (needs a server started
   * with `--reconnectGraceMs`); off by default. `true` takes the defaults of
   * {@link ReconnectOptions}. While reconnecting the client emits `away`, then `back` or
   * finally `close`; see the README's "Reconnection".
   */
  reconnect?: boolean | ReconnectOptions;
}

export interface MediationResult {
  /** The same socket as `client.socket`: punched, open, and now the caller's to close. */
  socket: Socket;
  /**
   * Every peer as reached: its name and where to send its traffic, the address it
   * answered from, or for a relayed peer the relay endpoint Orion gave.
   */
  peers: PeerEndpoint[];
  /** The names of the peers reached through Orion's relay (empty when all were punched). */
  relayed: string[];
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const DEFAULT_NEXT_TIMEOUT_MS = 10_000;

/**
 * One player's connection to Orion: a WebSocket (the client's identity and message
 * channel), the HTTP routes, and one UDP socket used both to tell Orion its public
 * endpoint and to talk to peers. The token stays inside; nothing here prints it.
 */
export class OrionClient {
  private readonly emitter = new EventEmitter();
  private readonly queue = new MessageQueue();
  private readonly link: ResumingLink;
  /** The only credential; a #private field, so that not even util.inspect shows it. */
  #token = '';
  private memberName: string | undefined;
  private currentLobbyId: string | undefined;
  /** The latest peer list of a mediation still running, for a mediate() called late. */
  private knownPeers: PeerEndpoint[] | undefined;
  /** Whether Orion asked for this client's UDP packet in a mediation still running. */
  private askedForPacket = false;
  /** Back in a connecting mediation: its peer list may come again, the same mediation's. */
  private peersMayRepeat = false;
  /** Relay ports allocated in that mediation, for the same reason. */
  private knownRelays: RelayEndpoint[] = [];
  private mediating = false;
  /**
   * How many lobby_closed (or lobby_kicked) have arrived: tells host() and join() whether the
   * old lobby's came.
   */
  private lobbiesClosed = 0;
  /** Set once mediate() succeeded: the socket then belongs to the caller. */
  private socketHandedOver = false;

  private constructor(
    ws: WebSocket,
    readonly socket: Socket,
    private readonly http: OrionHttpApi,
    private readonly udpHost: string,
  ) {
    // A few internal listeners per event plus the caller's; not a leak.
    this.emitter.setMaxListeners(100);
    this.link = new ResumingLink(ws, {
      message: (method, payload) => this.onServerMessage(method, payload),
      away: (code) => this.emitter.emit('away', code),
      back: (summary) => this.onBack(summary),
      closed: (code, why) => this.onClose(code, why),
    });
    socket.on('error', (error) => this.emitter.emit('udpError', error));
  }

  /** Binds the UDP socket, opens the WebSocket and waits for `client_registered`. */
  static async connect(options: OrionClientOptions): Promise<OrionClient> {
    const url = new URL(options.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`Orion's url must start with http:// or https://, not ${url.protocol}`);
    }
    const udpHost = options.udpHost ?? url.hostname.replace(/^\[(.*)\]$/, '$1');
    const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const reconnect = reconnectSettingsOf(options.reconnect);
    const socket = await bindUdpSocket({
      udpHost,
      localAddress: options.localAddress,
      localPort: options.localPort,
    });
    const wsUrl = webSocketUrlOf(url);
    // The URL never carries the token: proxies log URLs.
    const dial = () => new WebSocket(wsUrl, { handshakeTimeout: timeoutMs });
    const ws = dial();
    const http = new OrionHttpApi(
      url.origin,
      options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    );
    const client = new OrionClient(ws, socket, http, udpHost);
    const startedAt = Date.now();
    try {
      await whenOpen(ws, wsUrl);
      const left = Math.max(1, timeoutMs - (Date.now() - startedAt));
      const registered = await client.queue
        .next('client_registered', left)
        .catch((error: Error) => {
          throw new Error(`Orion at ${wsUrl} did not register this client: ${error.message}`);
        });
      client.#token = registered.token;
      if (reconnect) client.link.resumeWith({ settings: reconnect, dial, token: registered.token });
      return client;
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  /** The lobby this client is in: set by host() and join(), cleared when it closes. */
  get lobbyId(): string | undefined {
    return this.currentLobbyId;
  }

  listLobbies(): Promise<LobbySummary[]> {
    return this.http.listLobbies();
  }

  /** One page of the public lobbies that match `filters` (see OrionHttpApi.findLobbies). */
  findLobbies(filters?: LobbyFilters): Promise<LobbyPage> {
    return this.http.findLobbies(filters);
  }

  /** Creates a lobby (private and for 8 unless told otherwise) and becomes its host. */
  host(options: HostOptions): Promise<HostedLobby> {
    return this.enterLobby(options.hostName, () => this.http.host(this.#token, options));
  }

  /**
   * Joins a lobby by id (any letter case). Its host may start the mediation the moment
   * Orion has taken the join, even before the answer arrives; nothing of it is lost.
   */
  join(lobbyId: string, peerName: string, options?: JoinOptions): Promise<JoinedLobby> {
    return this.enterLobby(peerName, () => this.http.join(this.#token, lobbyId, peerName, options));
  }

  /**
   * Joins the oldest open public lobby without a password that matches `filters` (409
   * NO_MATCHING_LOBBY as an OrionRequestError when none seats this client).
   */
  quickJoin(peerName: string, filters?: QuickJoinFilters): Promise<JoinedLobby> {
    return this.enterLobby(peerName, () => this.http.quickJoin(this.#token, peerName, filters));
  }

  /**
   * Leaves the lobby and stays connected: the client forgets it, as after lobby_closed. The
   * host's leaving closes the lobby, or hands it over when it was hosted with hostMigration.
   */
  async leave(): Promise<void> {
    const lobbyId = this.requireLobby('leave');
    await this.http.leave(this.#token, lobbyId);
    if (this.currentLobbyId === lobbyId) {
      this.currentLobbyId = undefined;
      this.forgetMediation();
    }
  }

  /** Host only: kicks the member named `peerName` (it hears lobby_kicked). */
  async kick(peerName: string, options?: KickOptions): Promise<void> {
    return this.http.kick(this.#token, this.requireLobby('kick'), peerName, options);
  }

  /** Host only, not during mediation: changes the lobby; every member hears lobby_updated. */
  async updateLobby(update: LobbyUpdate): Promise<LobbySettings> {
    return this.http.updateLobby(this.#token, this.requireLobby('update the lobby'), update);
  }

  /**
   * Sends a chat line; it is delivered when it comes back as lobby_messaging_received.
   * While the client is reconnecting (after `away`), the line is kept and sent once `back`,
   * up to 20 lines; beyond that chat() throws. Kept lines are dropped if the client comes
   * back in no lobby or another one, or closes for good.
   */
  chat(message: string): void {
    const lobbyId = this.requireLobby('chat');
    this.send('lobby_messaging_send', { token: this.#token, lobbyId, message });
  }

  /** Host only: locks the lobby and starts peer-to-peer mediation. */
  startMediation(): Promise<void> {
    return this.http.startMediation(this.#token, this.requireLobby('start mediation'));
  }

  /**
   * Takes part in the lobby's mediation: waits for the peer list (or uses one that
   * already came), hole-punches every peer, falls back to Orion's relay for a peer that
   * does not answer (see `relay` in the options), reports success and resolves on
   * `ptpMediation_success`. Rejects with PunchFailedError, MediationAbortedError or
   * MediationInterruptedError instead of waiting forever. With `reconnect` on, it goes on
   * while the client is away: punching does not need the WebSocket, and what it must tell
   * Orion is sent once the client is back.
   */
  async mediate(options: MediateOptions = {}): Promise<MediationResult> {
    if (!this.link.isOpen) {
      throw new MediationInterruptedError('The connection to Orion is closed.');
    }
    this.requireLobby('mediate');
    if (this.mediating) throw new Error('mediate() is already running for this client.');
    this.mediating = true;
    try {
      const { peers, relayed } = await runMediation(
        {
          events: this,
          socket: this.socket,
          selfName: this.memberName!,
          knownPeers: this.knownPeers,
          knownRelays: [...this.knownRelays],
          underway: this.askedForPacket || this.knownPeers !== undefined,
          reportSuccess: () =>
            this.send('ptpMediation_peersConnection_success', { token: this.#token }),
          requestRelay: (peerNames) =>
            this.send('ptpMediation_relay_request', { token: this.#token, peerNames }),
          relayBindDatagram: encodeRelayBind(this.#token),
        },
        options,
      );
      this.socketHandedOver = true;
      return { socket: this.socket, peers, relayed };
    } finally {
      this.mediating = false;
    }
  }

  on<E extends OrionClientEvent>(event: E, listener: OrionClientEvents[E]): this {
    this.emitter.on(event, listener);
    return this;
  }

  once<E extends OrionClientEvent>(event: E, listener: OrionClientEvents[E]): this {
    this.emitter.once(event, listener);
    return this;
  }

  off<E extends OrionClientEvent>(event: E, listener: OrionClientEvents[E]): this {
    this.emitter.off(event, listener);
    return this;
  }

  /**
   * The oldest message of that kind not yet returned by next(), waiting up to
   * `timeoutMs` for one to arrive. Rejects at once if the connection has closed.
   */
  next<M extends ServerMethod>(
    method: M,
    timeoutMs = DEFAULT_NEXT_TIMEOUT_MS,
  ): Promise<ServerMessages[M]> {
    return this.queue.next(method, timeoutMs);
  }

  /**
   * Closes the WebSocket (leaving Orion) and the UDP socket, unless mediate() handed it over.
   * Stops a reconnection under way; a client still away then stays away on the server until
   * its grace ends.
   */
  async close(): Promise<void> {
    await this.link.close();
    if (!this.socketHandedOver) await closeUdpSocket(this.socket);
  }

  /**
   * Cuts the WebSocket the way a failed network does (no close frame: Orion sees 1006). With
   * `reconnect` on the client then reconnects; without, it closes. For tests and drills.
   */
  dropConnection(): void {
    this.link.drop();
  }

  private onServerMessage(method: ServerMethod, payload: Record<string, unknown>): void {
    switch (method) {
      case 'ptpMediation_send':
        // Every request gets one datagram from the socket the peers will use.
        this.askedForPacket = true;
        this.sendConnectDatagram((payload as ServerMessages['ptpMediation_send']).port);
        break;
      case 'ptpMediation_peersConnection_start':
        // Sent again to a client back before its report arrived: the relays still hold.
        if (!this.peersMayRepeat) this.knownRelays = [];
        this.peersMayRepeat = false;
        this.knownPeers = (payload as ServerMessages['ptpMediation_peersConnection_start']).peers;
        break;
      case 'ptpMediation_relay_allocated':
        this.knownRelays.push(
          ...(payload as ServerMessages['ptpMediation_relay_allocated']).relays,
        );
        break;
      case 'ptpMediation_aborted':
      case 'ptpMediation_success':
        this.forgetMediation();
        break;
      case 'lobby_closed':
      case 'lobby_kicked':
        // Kicked, the client is out of the lobby just as when it closes.
        this.lobbiesClosed++;
        this.forgetMediation();
        this.currentLobbyId = undefined;
        break;
    }
    this.queue.push(method, payload);
    this.emitter.emit(method, payload);
  }

  private forgetMediation(): void {
    this.knownPeers = undefined;
    this.knownRelays = [];
    this.askedForPacket = false;
    this.peersMayRepeat = false;
  }

  /**
   * Resumed: the summary is the truth now. A lobby gone meanwhile counts as a lobby_closed
   * for this client's state; what it knew of a mediation that no longer connects is stale.
   */
  private onBack(summary: ServerMessages['client_resumed']): void {
    if (!summary.lobby) {
      if (this.currentLobbyId !== undefined) this.lobbiesClosed++;
      this.currentLobbyId = undefined;
    } else {
      this.currentLobbyId = summary.lobby.lobbyId;
    }
    if (!summary.mediation) this.forgetMediation();
    else if (summary.mediation.phase === 'collecting') {
      // Peers known from before are another mediation's: this one has not got that far.
      this.forgetMediation();
      this.askedForPacket = true;
    } else this.peersMayRepeat = true;
    this.queue.push('client_resumed', summary);
    this.emitter.emit('client_resumed', summary);
    this.emitter.emit('back', summary);
  }

  private onClose(code: number, why?: string): void {
    this.currentLobbyId = undefined;
    this.forgetMediation();
    const reason = why === undefined ? '' : `; reconnecting gave up: ${why}`;
    this.queue.close(new Error(`The connection to Orion closed (code ${code})${reason}.`));
    this.emitter.emit('close', code);
  }

  private sendConnectDatagram(port: number): void {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) return;
    const datagram = Buffer.from(encodeFrame(UDP_CONNECT_METHOD, { token: this.#token }));
    sendQuietly(this.socket, datagram, port, this.udpHost);
  }

  /**
   * Sends a host or join request and enters the lobby it answers with. Orion may mediate that
   * lobby before its answer reaches us (a host can start as soon as our join is taken), so the
   * peer list and relay allocations that arrive while the request is on its way are kept for
   * it. Those of an earlier lobby are dropped.
   */
  private async enterLobby<L extends { lobbyId: string }>(
    memberName: string,
    request: () => Promise<L>,
  ): Promise<L> {
    // Orion mediates the new lobby with us only once it has taken this request, and after the
    // lobby_closed of a lobby we are still in: only what arrives after both is the new lobby's.
    const leaving = this.currentLobbyId !== undefined;
    // In a lobby, what we know is that lobby's until Orion takes us out (a refused request costs
    // its mediation nothing), and its lobby_closed forgets it.
    if (!leaving) this.forgetMediation();
    const closedBefore = this.lobbiesClosed;
    const lobby = await request();
    // Orion took us out, but that lobby_closed is still on its way: all we know is the old lobby's.
    if (leaving && this.lobbiesClosed === closedBefore) this.forgetMediation();
    this.currentLobbyId = lobby.lobbyId;
    this.memberName = memberName;
    return lobby;
  }

  private requireLobby(action: string): string {
    if (!this.currentLobbyId) throw new Error(`Cannot ${action}: this client is in no lobby.`);
    return this.currentLobbyId;
  }

  /** Sends now (true) or, while reconnecting, once back (false); throws once closed. */
  private send(method: string, payload: Record<string, unknown>): boolean {
    return this.link.send(method, payload);
  }
}
