import { createSocket } from 'node:dgram';
import { createServer } from 'node:http';
import { isIPv6 } from 'node:net';
import { WebSocketServer } from 'ws';
import { decodeFrame } from '@orion/protocol';
import { parseFlags } from './flags.mjs';
import { httpHandler } from './http.mjs';
import { BaselineRelay } from './relay.mjs';
import { State } from './state.mjs';

/**
 * The baseline: Orion's protocol (happy path, minimal validation) on plain node:http,
 * ws and node:dgram, the relay included (`--relayPorts`, `--relayHost`). Same flags as
 * Orion, e.g.
 * `node bench/baseline/server.mjs --httpPort 0 --udpPort 0 --host 127.0.0.1`.
 */
let config;
try {
  config = parseFlags(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`error: ${error.message}\n`);
  process.exit(1);
}

const udp = createSocket({ type: isIPv6(config.host) ? 'udp6' : 'udp4' });
await new Promise((resolve, reject) => {
  udp.once('error', reject);
  udp.bind(config.udpPort, config.host, resolve);
});
const relay = config.relayPorts && new BaselineRelay(config.relayPorts, config.host);
const state = new State(config, udp.address().port, relay);

udp.on('message', (datagram, remote) => {
  if (datagram.length > 1024) return;
  const frame = decodeFrame(datagram.toString('utf8'));
  if (frame?.method !== 'ptpMediation_connect' || typeof frame.payload.token !== 'string') return;
  const ip = remote.address.startsWith('::ffff:') ? remote.address.slice(7) : remote.address;
  state.udpConnect(frame.payload.token, ip, remote.port);
});

const http = createServer(httpHandler(state));
const wss = new WebSocketServer({ noServer: true });
http.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => onConnection(ws));
});

function onConnection(ws) {
  const client = state.register(ws);
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const frame = decodeFrame(data.toString('utf8'));
    if (!frame || frame.payload.token !== client.token) return;
    if (frame.method === 'lobby_messaging_send') state.chat(client, frame.payload);
    else if (frame.method === 'ptpMediation_peersConnection_success') state.peersConnected(client);
    else if (frame.method === 'ptpMediation_relay_request')
      void state.relayRequest(client, frame.payload);
  });
  ws.on('close', () => state.disconnect(client));
  ws.on('error', () => ws.terminate());
}

await new Promise((resolve, reject) => {
  http.once('error', reject);
  http.listen(config.httpPort, config.host, resolve);
});
const { port: httpPort } = http.address();
process.stdout.write(
  `Baseline is serving HTTP/WebSocket on ${config.host}:${httpPort}, UDP on ${udp.address().port}\n`,
);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    udp.close();
    relay?.closeAll();
    for (const ws of wss.clients) ws.terminate();
    http.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  });
}
