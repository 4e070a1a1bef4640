import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { WebSocketServer } from 'ws';
import { parseFlags } from '../baseline/flags.mjs';
import { State } from '../baseline/state.mjs';
import { floorModule } from './app.mjs';

/**
 * The framework floor: Orion's HTTP routes (GET /ping, GET /lobbies, POST /lobbies,
 * POST /lobbies/:id/join, POST /lobbies/:id/ptp/start) on a minimal Nest +
 * @nestjs/platform-express app with Nest's defaults, and the baseline's in-memory state
 * behind them. No logging, metrics, limits, guards, pipes or validation: what Orion's HTTP
 * costs on top of this is Orion's own. A bare `ws` server registers clients (tokens) and
 * drops them on close, nothing more; no UDP is served. Same flags as Orion, e.g.
 * `node bench/floor/server.mjs --httpPort 0 --udpPort 0 --host 127.0.0.1`.
 */
let config;
try {
  config = parseFlags(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`error: ${error.message}\n`);
  process.exit(1);
}

// ptpMediation_send names --udpPort, though nothing listens there.
const state = new State(config, config.udpPort, undefined);
const app = await NestFactory.create(floorModule(state), new ExpressAdapter(), { logger: false });
// As in Orion: settings, not framework cost, so they stay out of the floor too.
app.set('etag', false);
app.disable('x-powered-by');

const wss = new WebSocketServer({ noServer: true });
app.getHttpServer().on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => {
    const client = state.register(ws);
    ws.on('close', () => state.disconnect(client));
    ws.on('error', () => ws.terminate());
  });
});

await app.listen(config.httpPort, config.host);
const { port } = app.getHttpServer().address();
process.stdout.write(`Floor is serving HTTP/WebSocket on ${config.host}:${port}\n`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const ws of wss.clients) ws.terminate();
    void app.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  });
}
