import type { Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { WebSocket } from 'ws';
import {
  decodeFrame,
  encodeFrame,
  RELAY_BIND_METHOD,
  UDP_CONNECT_METHOD,
  type ClientMessages,
  type ClientMethod,
  type ServerMessages,
  type ServerMethod,
} from '@orion/protocol';
import { MediationAbortedError, OrionHttpApi, type HostOptions } from '@orion/sdk';
import { bindUdp } from './relay-check-udp.js';

/** A message that did not come in time; told apart from an abort or a closed connection. */
export class NoMessageInTime extends Error {
  constructor(
    readonly method: ServerMethod,
    readonly waitedMs: number,
  ) {
    super(`no ${method} within ${waitedMs} ms`);
  }
}

/** How long close() waits for Orion to confirm a WebSocket close before cutting it. */
const CLOSE_GRACE_MS = 1_000;

/**
 * One of the relay check's two players, on the wire itself: the SDK's OrionClient keeps
 * its token private and has no relay calls, and the relay check must send
 * `ptpMediation_relay_request` and `ptpMediation_relay_bind` with it. The token stays
 * in a #private field; no error or line built here contains it.
 */
export class RelayCheckClient {
  #token = '';
  private readonly inbox: { method: string; payload: unknown }[] = [];
  private readonly arrivals = new EventEmitter();
  private closedBecause: Error | undefined;
  private aborted: string | undefined;

  private constructor(
    private readonly ws: WebSocket,
    private readonly http: OrionHttpApi,
    /** Sends `ptpMediation_connect`; relay traffic uses sockets of its own. */
    private readonly udp: Socket,
    private readonly udpHost: string,
  ) {
    ws.on('message', (data, isBinary) => {
      const frame = isBinary ? undefined : decodeFrame(data.toString());
      if (frame) this.onMessage(frame.method, frame.payload);
    });
    ws.on('error', (error) => {
      // Kept for the waits: the close that follows says only 1006.
      this.closedBecause ??= new Error(`the WebSocket to Orion failed: ${error.message}`);
    });
    ws.on('close', (code) => {
      this.closedBecause ??= new Error(`the connection to Orion closed (code ${code})`);
      this.arrivals.emit('change');
    });
    udp.on('error', () => undefined); // UDP is lossy anyway; the waits report what is missing.
  }

  /** Opens the WebSocket and UDP socket, and waits for `client_registered`. */
  static async connect(options: {
    url: string;
    udpHost: string;
    timeoutMs: number;
  }): Promise<RelayCheckClient> {
    const url = new URL(options.url);
    const wsUrl = `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}/`;
    const udp = await bindUdp(options.udpHost);
    const ws = new WebSocket(wsUrl, { handshakeTimeout: options.timeoutMs });
    const client = new RelayCheckClient(
      ws,
      new OrionHttpApi(url.origin, options.timeoutMs),
      udp,
      options.udpHost,
    );
    try {
      const { token } = await client.next('client_registered', options.timeoutMs);
      client.#token = token;
      return client;
    } catch (error) {
      await client.close();
      throw new Error(`Orion at ${wsUrl} did not register a client: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /** The `abortReason` of a `ptpMediation_aborted` that came; every later wait fails with it. */
  get abortReason(): string | undefined {
    return this.aborted;
  }

  hostLobby(options: HostOptions) {
    return this.http.host(this.#token, options);
  }

  joinLobby(lobbyId: string, peerName: string) {
    return this.http.join(this.#token, lobbyId, peerName);
  }

  startMediation(lobbyId: string) {
    return this.http.startMediation(this.#token, lobbyId);
  }

  /** Sends a WebSocket message; the token is added here. */
  send<M extends ClientMethod>(method: M, payload: Omit<ClientMessages[M], 'token'>): void {
    if (this.ws.readyState !== WebSocket.OPEN) {
      throw new Error(`cannot send ${method}: the connection to Orion is closed`);
    }
    this.ws.send(encodeFrame(method, { ...payload, token: this.#token }));
  }

  /** `ptpMediation_relay_bind` with this client's token, as the bytes to send. */
  bindDatagram(): Buffer {
    return Buffer.from(encodeFrame(RELAY_BIND_METHOD, { token: this.#token }));
  }

  /**
   * The oldest unread message of that kind, waiting up to `timeoutMs`. Fails with
   * MediationAbortedError once `ptpMediation_aborted` came, with NoMessageInTime when the
   * time is up, or with the close once the connection is gone.
   */
  next<M extends ServerMethod>(method: M, timeoutMs: number): Promise<ServerMessages[M]> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const index = this.inbox.findIndex((message) => message.method === method);
        if (index !== -1) {
          done();
          resolve(this.inbox.splice(index, 1)[0].payload as ServerMessages[M]);
        } else if (this.aborted !== undefined && method !== 'ptpMediation_aborted') {
          done();
          reject(new MediationAbortedError(this.aborted));
        } else if (this.closedBecause) {
          done();
          reject(this.closedBecause);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new NoMessageInTime(method, timeoutMs));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.arrivals.off('change', check);
      };
      this.arrivals.on('change', check);
      check();
    });
  }

  /** Closes the WebSocket (leaving Orion, which ends the lobby) and the UDP socket. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      const cut = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
      this.ws.once('close', () => {
        clearTimeout(cut);
        resolve();
      });
      if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
      else this.ws.close(1000);
    });
    await new Promise<void>((resolve) => {
      try {
        this.udp.close(() => resolve());
      } catch {
        resolve(); // Already closed.
      }
    });
  }

  private onMessage(method: string, payload: Record<string, unknown>): void {
    if (method === 'ptpMediation_send') {
      // Orion repeats the request until the datagram arrives, so each one is answered.
      this.sendConnectDatagram((payload as ServerMessages['ptpMediation_send']).port);
    }
    if (method === 'ptpMediation_aborted') {
      this.aborted ??= String((payload as ServerMessages['ptpMediation_aborted']).abortReason);
    }
    // The check lasts seconds and reads every kind it waits for, so the inbox stays small.
    this.inbox.push({ method, payload });
    this.arrivals.emit('change');
  }

  private sendConnectDatagram(port: number): void {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) return;
    const datagram = Buffer.from(encodeFrame(UDP_CONNECT_METHOD, { token: this.#token }));
    try {
      this.udp.send(datagram, port, this.udpHost, () => undefined);
    } catch {
      // Closed underneath us: the wait for the peer list reports it.
    }
  }
}
