import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpConnectionRefusedReason, OrionEvents } from '../common/orion-events.js';
import { guardHttpConnections, type HttpConnectionLimits } from './http-connection-guard.js';
import type { PendingConnections } from './pending-connections.js';

const LIMITS: HttpConnectionLimits = {
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  maxPendingConnections: 100,
  maxPendingConnectionsPerIp: 100,
};
type RefusedEvent = OrionEvents['http.connectionRefused'];
const PARTIAL = 'GET / HTTP/1.1\r\nHost: x\r\n';
const UPGRADE = `${PARTIAL}Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n`;

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

/** A plain HTTP server answering `ok` once a request's body is in, guarded with `limits`. */
async function guarded(limits: Partial<HttpConnectionLimits> = {}) {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.end('ok'));
  });
  servers.push(server);
  const refusals: HttpConnectionRefusedReason[] = [];
  const pending = guardHttpConnections(
    server,
    { ...LIMITS, ...limits },
    { emit: (_event, payload) => refusals.push((payload as RefusedEvent).reason) },
  );
  // Answers what Node's parser gives up on, as the app does.
  server.on('clientError', (_error, socket: Socket) => socket.destroy());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, pending, refusals };
}

async function open(server: Server, request = ''): Promise<Socket> {
  const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  if (request) socket.write(request);
  return socket;
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const pendingIs = (pending: PendingConnections, count: number) =>
  until(() => pending.count === count, `${count} pending (now ${pending.count})`);

describe('guardHttpConnections', () => {
  it('gives the place back when the request arrives, and not again when the socket closes', async () => {
    const { server, pending } = await guarded();
    const socket = await open(server, PARTIAL);
    await pendingIs(pending, 1);
    socket.write('\r\n');
    await once(socket, 'data');
    expect(pending.count).toBe(0);
    expect(pending.addressCount).toBe(0);
    // A second request on the kept-alive connection, then a hang-up: nothing more to give.
    socket.write(`${PARTIAL}\r\n`);
    await once(socket, 'data');
    socket.destroy();
    await once(socket, 'close');
    await open(server, PARTIAL);
    await pendingIs(pending, 1);
  });

  it('gives the place back when the upgrade request arrives', async () => {
    const { server, pending } = await guarded();
    let upgrades = 0;
    server.on('upgrade', (_request, socket: Socket) => {
      upgrades++;
      sockets.push(socket);
    });
    await open(server, UPGRADE);
    await until(() => upgrades === 1, 'the upgrade arrives');
    expect(pending.count).toBe(0);
    expect(pending.addressCount).toBe(0);
  });

  it('gives the place back when the client hangs up mid-headers', async () => {
    const { server, pending } = await guarded();
    const socket = await open(server, PARTIAL);
    await pendingIs(pending, 1);
    socket.resetAndDestroy();
    await pendingIs(pending, 0);
    expect(pending.addressCount).toBe(0);
  });

  it('closes a connection over the per-address cap at once with 429, and reports it', async () => {
    const { server, pending, refusals } = await guarded({ maxPendingConnectionsPerIp: 1 });
    await open(server, PARTIAL);
    await pendingIs(pending, 1);
    const refused = await open(server);
    const chunks: Buffer[] = [];
    refused.on('data', (chunk: Buffer) => chunks.push(chunk));
    await once(refused, 'close');
    expect(Buffer.concat(chunks).toString()).toMatch(/^HTTP\/1\.1 429 .*"errors":\[/s);
    expect(refusals).toEqual(['pending_per_ip']);
    expect(pending.count).toBe(1);
  });

  it('closes an upgrade request no one else listens for, rather than leaving it open', async () => {
    const { server } = await guarded();
    const socket = await open(server, UPGRADE);
    await once(socket, 'close');
  });

  it('reports stalled headers as headers_timeout and a stalled body as request_timeout', async () => {
    const { server, refusals } = await guarded({ headersTimeoutMs: 100, requestTimeoutMs: 200 });
    const stalledHeaders = await open(server, PARTIAL);
    const stalledBody = await open(
      server,
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n{',
    );
    await Promise.all([once(stalledHeaders, 'close'), once(stalledBody, 'close')]);
    expect(refusals.sort()).toEqual(['headers_timeout', 'request_timeout']);
  });
});
