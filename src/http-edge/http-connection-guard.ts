import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { OrionEventBus } from '../common/orion-events.js';
import { normalizeSourceAddress } from '@orion/protocol';
import { limitKeyOf } from '../common/source-address.js';
import type { OrionConfig } from '../config/orion-config.js';
import { PendingConnections, type PendingRefusal } from './pending-connections.js';

export type HttpConnectionLimits = Pick<
  OrionConfig,
  'headersTimeoutMs' | 'requestTimeoutMs' | 'maxPendingConnections' | 'maxPendingConnectionsPerIp'
>;

/** Node looks for late requests this often at most, and at least every tenth of the deadline. */
const MAX_CHECK_INTERVAL_MS = 1_000;
const MIN_CHECK_INTERVAL_MS = 10;

const REFUSALS: Record<PendingRefusal, { status: 429 | 503; message: string }> = {
  pending_total: {
    status: 503,
    message: 'The server has too many connections opening. Try again later.',
  },
  pending_per_ip: {
    status: 429,
    message: 'Too many connections from your address have not sent their request. Send it first.',
  },
};

/**
 * Bounds what connections can hold before their request is in, on `server` (call it before
 * `listen`):
 * - request headers, or a WebSocket upgrade request, must be complete within
 *   `headersTimeoutMs` of the connection opening (or of the first byte of a further request
 *   on a kept-alive connection), and a whole request within `requestTimeoutMs`. Node then
 *   raises ERR_HTTP_REQUEST_TIMEOUT, which `answerClientErrorsAsJson` answers 408 and closes;
 * - at most `maxPendingConnections` connections, and `maxPendingConnectionsPerIp` from one
 *   TCP peer address, may be waiting for their first request; another one is closed at once.
 * Refusals and timeouts are reported as `http.connectionRefused` events.
 */
export function guardHttpConnections(
  server: Server,
  limits: HttpConnectionLimits,
  events: Pick<OrionEventBus, 'emit'>,
): PendingConnections {
  server.headersTimeout = limits.headersTimeoutMs;
  // Node expects a request deadline no shorter than the headers one.
  server.requestTimeout = Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs);
  // Node checks the deadlines only this often (30 s by default), and reads the interval when
  // the server starts listening: set here, the deadlines hold to within a tenth.
  const interval = Math.round(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 10);
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval =
    Math.min(MAX_CHECK_INTERVAL_MS, Math.max(MIN_CHECK_INTERVAL_MS, interval));

  const pending = new PendingConnections(limits);
  const releases = new WeakMap<Duplex, () => void>();
  // The latest request of each connection, to tell a stalled body from stalled headers.
  const latestRequest = new WeakMap<Duplex, IncomingMessage>();
  const requestArrived = (socket: Duplex) => {
    const release = releases.get(socket);
    if (!release) return;
    releases.delete(socket);
    socket.off('close', release);
    release();
  };

  server.on('connection', (socket: Socket) => {
    // X-Forwarded-For is not known before the headers: behind a proxy this is the proxy.
    const address = limitKeyOf(normalizeSourceAddress(socket.remoteAddress ?? 'unknown'));
    const admission = pending.admit(address);
    if (!admission.admitted) {
      events.emit('http.connectionRefused', { reason: admission.reason });
      return refuseConnection(socket, admission.reason);
    }
    releases.set(socket, admission.release);
    socket.once('close', admission.release);
  });
  server.on('request', (request: IncomingMessage) => {
    requestArrived(request.socket);
    latestRequest.set(request.socket, request);
  });
  server.on('upgrade', (_request: IncomingMessage, socket: Duplex) => {
    requestArrived(socket);
    // Listening for upgrades tells Node they are handled; with no one else to handle one,
    // the socket would be left open for ever.
    if (server.listenerCount('upgrade') === 1) socket.destroy();
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code !== 'ERR_HTTP_REQUEST_TIMEOUT') return;
    const request = latestRequest.get(socket);
    const reason = request && !request.complete ? 'request_timeout' : 'headers_timeout';
    events.emit('http.connectionRefused', { reason });
  });
  return pending;
}

/**
 * Answers a connection in Orion's `{ "errors" }` shape before it has sent anything, and
 * closes it at once: the small answer goes straight to the kernel, and no request of this
 * connection can reach the app.
 */
function refuseConnection(socket: Socket, reason: PendingRefusal): void {
  const { status, message } = REFUSALS[reason];
  const body = JSON.stringify({ errors: [message] });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        'X-Content-Type-Options: nosniff\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
