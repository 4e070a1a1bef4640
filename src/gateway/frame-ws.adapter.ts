import { Logger, type INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { decodeFrame } from '@orion/protocol';
import type { WsFrameResult } from '../common/orion-events.js';
import type { ConnectionAdmission } from './connection-admission.js';
import { handshakeRefusal, refuseUpgrade } from './upgrade-refusal.js';

type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** What ws reports when a message exceeds `maxPayload` (it then closes with 1009). */
const MESSAGE_TOO_BIG = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';

export interface FrameWsAdapterOptions {
  /** Largest message accepted; a bigger one closes its socket with 1009. */
  maxFrameBytes: number;
  /** Decides which upgrades may proceed, and counts the open connections. */
  admission: ConnectionAdmission;
  /**
   * Told of every frame dropped here, before any handler: binary or undecodable frames,
   * unknown methods, and messages too big (for the metrics).
   */
  onDropped?: (result: WsFrameResult) => void;
}

/**
 * Speaks Orion's `method:base64(JSON)` frames and accepts the WebSocket upgrade on
 * any path of the HTTP server, once admitted. Frames that do not decode, binary frames
 * and unknown methods are dropped without a reply.
 */
export class FrameWsAdapter extends WsAdapter {
  private readonly frameLogger = new Logger(FrameWsAdapter.name);
  private readonly attached: { server: HttpServer; listener: UpgradeListener }[] = [];
  private readonly onDropped: (result: WsFrameResult) => void;

  constructor(
    private readonly app: INestApplicationContext & { getHttpServer(): HttpServer },
    private readonly options: FrameWsAdapterOptions,
  ) {
    super(app);
    this.onDropped = options.onDropped ?? (() => undefined);
  }

  override create(port: number, options: Record<string, unknown> = {}): WebSocketServer {
    if (port !== 0) return super.create(port, options) as WebSocketServer;
    const { server: _server, path: _path, namespace: _namespace, ...wsOptions } = options;
    const wsServer = new WebSocketServer({
      noServer: true,
      ...wsOptions,
      maxPayload: this.options.maxFrameBytes,
    });
    // ws answers a malformed handshake itself in text/html, unless someone listens here.
    wsServer.on('wsClientError', (error: Error, socket: Duplex) =>
      refuseUpgrade(socket, handshakeRefusal(error)),
    );
    const httpServer = this.app.getHttpServer();
    const listener: UpgradeListener = (request, socket, head) => {
      const admission = this.options.admission.admit(request);
      if (!admission.admitted) {
        this.frameLogger.debug(admission.refusal, 'Refused a WebSocket upgrade');
        return refuseUpgrade(socket, admission.refusal);
      }
      // The TCP socket closes exactly once, whether the upgrade failed or the WebSocket ended.
      socket.once('close', admission.release);
      wsServer.handleUpgrade(request, socket, head, (ws) => {
        wsServer.emit('connection', ws, request);
      });
    };
    httpServer.on('upgrade', listener);
    this.attached.push({ server: httpServer, listener });
    return this.bindErrorHandler(wsServer) as WebSocketServer;
  }

  /**
   * One plain listener per socket that dispatches by method. The base adapter builds an
   * rxjs pipeline per socket and replies with handler results; Orion's handlers never
   * reply, and the pipeline costs memory on every idle client.
   */
  override bindMessageHandlers(
    client: WebSocket,
    handlers: MessageMappingProperties[],
    _transform: unknown,
  ): void {
    const byMethod = new Map(handlers.map((handler) => [handler.message, handler.callback]));
    client.on('message', (data: RawData, isBinary: boolean) => {
      const frame = isBinary ? undefined : decodeFrame(data.toString());
      if (!frame) return this.onDropped('malformed');
      const callback = byMethod.get(frame.method);
      if (!callback) return this.onDropped('unknown_method');
      try {
        const result: unknown = callback(frame.payload, frame.method);
        if (result instanceof Promise) result.catch((error) => this.reportHandlerError(error));
      } catch (error) {
        this.reportHandlerError(error);
      }
    });
  }

  /**
   * A client's protocol violation (a message too big, a bad frame: ws gives these a
   * `WS_ERR_` code) ends only that socket and is not a server error: logging it as one
   * would let any client flood the logs.
   */
  override bindErrorHandler(server: WebSocketServer): WebSocketServer {
    server.on('connection', (ws: WebSocket) =>
      ws.on('error', (error: Error & { code?: string }) => {
        if (error.code === MESSAGE_TOO_BIG) this.onDropped('oversize');
        if (error.code?.startsWith('WS_ERR_')) {
          this.frameLogger.debug(`Closed a WebSocket after a client error: ${error.message}`);
        } else {
          this.frameLogger.error(`WebSocket error: ${error.message}`);
        }
      }),
    );
    server.on('error', (error: Error) =>
      this.frameLogger.error(`WebSocket server error: ${error.message}`),
    );
    return server;
  }

  override async dispose(): Promise<void> {
    for (const { server, listener } of this.attached) server.off('upgrade', listener);
    this.attached.length = 0;
    await super.dispose();
  }

  private reportHandlerError(error: unknown): void {
    // Handlers drop bad input themselves; anything reaching here is a server bug.
    this.frameLogger.error(`WebSocket handler failed: ${(error as Error)?.message ?? error}`);
  }
}
