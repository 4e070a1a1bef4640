import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { decodeFrame } from '../common/frame-codec.js';

type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * Speaks Orion's `method:base64(JSON)` frames and accepts the WebSocket upgrade on
 * any path of the HTTP server. Frames that do not decode are dropped without a reply.
 */
export class FrameWsAdapter extends WsAdapter {
  private readonly attached: { server: HttpServer; listener: UpgradeListener }[] = [];

  constructor(private readonly app: INestApplicationContext & { getHttpServer(): HttpServer }) {
    super(app, {
      messageParser: (data: unknown) => {
        // Text frames arrive as strings; binary frames arrive as buffers and are dropped.
        if (typeof data !== 'string') return undefined;
        const frame = decodeFrame(data);
        return frame && { event: frame.method, data: frame.payload };
      },
    });
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

  override async dispose(): Promise<void> {
    for (const { server, listener } of this.attached) server.off('upgrade', listener);
    this.attached.length = 0;
    await super.dispose();
  }
}
