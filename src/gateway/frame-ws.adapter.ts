import { Logger, type INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { decodeFrame } from '../common/frame-codec.js';
import type { WsFrameResult } from '../common/orion-events.js';

type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * Speaks Orion's `method:base64(JSON)` frames and accepts the WebSocket upgrade on
 * any path of the HTTP server. Frames that do not decode, binary frames and unknown
 * methods are dropped without a reply.
 */
export class FrameWsAdapter extends WsAdapter {
  private readonly frameLogger = new Logger(FrameWsAdapter.name);
  private readonly attached: { server: HttpServer; listener: UpgradeListener }[] = [];

  /**
   * @param onDropped told of every frame dropped here, before any handler: binary or
   *   undecodable frames, and unknown methods (for the metrics).
   */
  constructor(
    private readonly app: INestApplicationContext & { getHttpServer(): HttpServer },
    private readonly onDropped: (result: WsFrameResult) => void = () => undefined,
  ) {
    super(app);
  }

  override create(port: number, options: Record<string, unknown> = {}): WebSocketServer {
    if (port !== 0) return super.create(port, options) as WebSocketServer;
    const { server: _server, path: _path, namespace: _namespace, ...wsOptions } = options;
    const wsServer = new WebSocketServer({ noServer: true, ...wsOptions });
    const httpServer = this.app.getHttpServer();
    const listener: UpgradeListener = (request, socket, head) => {
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
