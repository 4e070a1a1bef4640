import { once } from 'node:events';
import type { Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HttpConnectionRefusedReason } from '../src/common/orion-events.js';
import type { OrionSettings } from '../src/config/orion-config.js';
import { OrionMetrics } from '../src/metrics/orion-metrics.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import { TestClient } from './support/clients/test-client.js';
import { sleep, waitUntil } from './support/timing.js';

const HEADERS_TIMEOUT_MS = 300;
const REQUEST_TIMEOUT_MS = 600;
/** Far more than Node's slack (a tenth of the deadline), far less than its own 60 s. */
const CUT_WITHIN_MS = 1_500;
const TIMED_OUT = { errors: ['The request took too long to arrive.'] };

const PARTIAL_REQUEST = 'GET /ping HTTP/1.1\r\nHost: x\r\n';
const PARTIAL_UPGRADE =
  'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n';

/** A raw TCP connection to Orion, recording what the server writes and when it closes. */
interface RawConnection {
  socket: Socket;
  text(): string;
  /** Milliseconds from `since` (the connection by default) until the server closed it. */
  closedAfter(since?: number): Promise<number>;
}

const sockets: Socket[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

async function open(orion: OrionTestApp, localAddress = '127.0.0.1'): Promise<RawConnection> {
  const socket = connect({
    port: Number(new URL(orion.httpUrl).port),
    host: '127.0.0.1',
    localAddress,
  });
  sockets.push(socket);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  const openedAt = performance.now();
  const closedAt = new Promise<number>((resolve) =>
    socket.once('close', () => resolve(performance.now())),
  );
  return {
    socket,
    text: () => Buffer.concat(chunks).toString('utf8'),
    closedAfter: async (since = openedAt) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`The server kept the connection open: ${Buffer.concat(chunks)}`)),
          CUT_WITHIN_MS,
        );
      });
      try {
        return (await Promise.race([closedAt, timeout])) - since;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Opens a connection that sends `request` and stays silent afterwards. */
async function stalled(orion: OrionTestApp, request: string, localAddress?: string) {
  const connection = await open(orion, localAddress);
  connection.socket.write(request);
  return connection;
}

function answerOf(text: string): { status: number; body: unknown } {
  const split = text.indexOf('\r\n\r\n');
  return {
    status: Number(text.split(' ')[1]),
    body: JSON.parse(text.slice(split + 4)) as unknown,
  };
}

/** The last response on a connection (a kept-alive one holds several). */
const lastAnswerOf = (text: string) => answerOf(text.slice(text.lastIndexOf('HTTP/1.1 ')));

/** `orion_http_connections_refused_total` by reason, read without opening a connection. */
async function refusals(orion: OrionTestApp): Promise<Record<HttpConnectionRefusedReason, number>> {
  const { values } = await orion.app.get(OrionMetrics).httpConnectionsRefused.get();
  const count = (reason: HttpConnectionRefusedReason) =>
    values.find((value) => value.labels.reason === reason)?.value ?? 0;
  return {
    headers_timeout: count('headers_timeout'),
    request_timeout: count('request_timeout'),
    pending_per_ip: count('pending_per_ip'),
    pending_total: count('pending_total'),
  };
}

function useOrion(settings: Partial<OrionSettings>) {
  const context = { orion: undefined as unknown as OrionTestApp };
  beforeAll(async () => {
    context.orion = await startOrion(settings);
  });
  afterAll(async () => {
    await context.orion?.close();
  });
  return context;
}

describe('--headersTimeoutMs and --requestTimeoutMs', () => {
  const context = useOrion({
    headersTimeoutMs: HEADERS_TIMEOUT_MS,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
  });

  it.each([
    ['nothing at all', ''],
    ['partial request headers', PARTIAL_REQUEST],
    ['an unfinished WebSocket upgrade request', PARTIAL_UPGRADE],
  ])(
    'answers a connection that sends %s 408 with {errors} and closes it once the headers deadline passes',
    async (_what, request) => {
      const { orion } = context;
      const before = await refusals(orion);
      const connection = await stalled(orion, request);

      const elapsed = await connection.closedAfter();
      expect(elapsed).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS);
      expect(elapsed).toBeLessThan(CUT_WITHIN_MS);
      expect(answerOf(connection.text())).toEqual({ status: 408, body: TIMED_OUT });
      expect((await refusals(orion)).headers_timeout).toBe(before.headers_timeout + 1);
    },
  );

  it('cuts a kept-alive connection whose second request stalls, counting from that request', async () => {
    const { orion } = context;
    const connection = await stalled(orion, `${PARTIAL_REQUEST}\r\n`);
    await waitUntil(() => connection.text().endsWith('pong'), 'the first request is answered');
    // Past the deadline counted from the connection: only the second request's clock matters.
    await sleep(HEADERS_TIMEOUT_MS);
    const secondSentAt = performance.now();
    connection.socket.write(PARTIAL_REQUEST);

    const elapsed = await connection.closedAfter(secondSentAt);
    expect(elapsed).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS);
    expect(lastAnswerOf(connection.text())).toEqual({ status: 408, body: TIMED_OUT });
  });

  it('answers a request whose body stalls 408 once the request deadline passes', async () => {
    const { orion } = context;
    const before = await refusals(orion);
    const connection = await stalled(
      orion,
      'POST /lobbies HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        'Content-Length: 100\r\n\r\n{"hostName":',
    );

    const elapsed = await connection.closedAfter();
    expect(elapsed).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS);
    expect(answerOf(connection.text())).toEqual({ status: 408, body: TIMED_OUT });
    expect((await refusals(orion)).request_timeout).toBe(before.request_timeout + 1);
  });

  it('answers requests that arrive in time, even in pieces, as always', async () => {
    const { orion } = context;
    const connection = await stalled(orion, 'GET /ping HTTP/1.1\r\n');
    await sleep(HEADERS_TIMEOUT_MS / 2);
    connection.socket.write('Host: x\r\nConnection: close\r\n\r\n');
    await connection.closedAfter();
    expect(connection.text()).toMatch(/^HTTP\/1\.1 200 [\s\S]*pong$/);
    const ping = await fetch(`${orion.httpUrl}/ping`, { headers: { connection: 'close' } });
    expect(await ping.text()).toBe('pong');
  });

  it('leaves WebSocket connections open past every deadline: the heartbeat owns them', async () => {
    const { orion } = context;
    const client = await TestClient.connect(orion.wsUrl);
    clients.push(client);
    await sleep(REQUEST_TIMEOUT_MS + HEADERS_TIMEOUT_MS);
    expect(client.isOpen).toBe(true);
    client.ws.ping();
    await once(client.ws, 'pong');
    // The deadlines never ended it either.
    expect(client.isOpen).toBe(true);
  });
});

describe('--maxPendingConnectionsPerIp and --maxPendingConnections', () => {
  const PER_IP = 5;
  const TOTAL = 8;
  const context = useOrion({ maxPendingConnectionsPerIp: PER_IP, maxPendingConnections: TOTAL });
  const httpServer = () => context.orion.app.getHttpServer() as Server;
  const serverConnections = () =>
    new Promise<number>((resolve, reject) =>
      httpServer().getConnections((error, count) => (error ? reject(error) : resolve(count))),
    );
  /** Waits until the server has accepted exactly `count` connections (so none is in flight). */
  const serverHolds = async (count: number) => {
    const deadline = Date.now() + 3_000;
    while ((await serverConnections()) !== count) {
      if (Date.now() > deadline) throw new Error(`The server does not hold ${count} connections`);
      await sleep(5);
    }
  };
  const stalledFrom = async (localAddress: string, count: number) => {
    const opened: RawConnection[] = [];
    for (let i = 0; i < count; i++)
      opened.push(await stalled(context.orion, PARTIAL_REQUEST, localAddress));
    return opened;
  };
  /** The server closed it at once, answering `status` with {errors}. */
  const expectRefused = async (connection: RawConnection, status: number) => {
    expect(await connection.closedAfter()).toBeLessThan(500);
    const answer = answerOf(connection.text());
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ errors: [expect.any(String)] });
  };

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await serverHolds(0);
  });

  it('closes one connection too many from an address at once with 429, while other addresses still get in', async () => {
    const { orion } = context;
    const before = await refusals(orion);
    await stalledFrom('127.0.0.1', PER_IP);
    await serverHolds(PER_IP);

    await expectRefused(await open(orion, '127.0.0.1'), 429);
    const other = await stalled(orion, PARTIAL_REQUEST, '127.0.0.2');
    other.socket.write('Connection: close\r\n\r\n');
    await other.closedAfter();
    expect(other.text()).toMatch(/^HTTP\/1\.1 200 [\s\S]*pong$/);
    expect((await refusals(orion)).pending_per_ip).toBe(before.pending_per_ip + 1);
  });

  it('closes one connection too many in all at once with 503', async () => {
    const { orion } = context;
    const before = await refusals(orion);
    await stalledFrom('127.0.0.1', PER_IP);
    await stalledFrom('127.0.0.2', TOTAL - PER_IP);
    await serverHolds(TOTAL);

    await expectRefused(await open(orion, '127.0.0.3'), 503);
    expect((await refusals(orion)).pending_total).toBe(before.pending_total + 1);
  });

  it('gives each place back exactly once, whether the request arrives, the upgrade arrives, or the client leaves', async () => {
    const { orion } = context;
    const [answered, upgraded, closed, reset, waiting] = [
      await stalled(orion, PARTIAL_REQUEST),
      await stalled(orion, PARTIAL_UPGRADE),
      await stalled(orion, PARTIAL_REQUEST),
      await stalled(orion, PARTIAL_REQUEST),
      await stalled(orion, PARTIAL_REQUEST),
    ];
    await serverHolds(PER_IP);
    answered.socket.write('\r\n');
    upgraded.socket.write('\r\n');
    await waitUntil(() => answered.text().endsWith('pong'), 'the request is answered');
    await waitUntil(() => upgraded.text().startsWith('HTTP/1.1 101'), 'the upgrade is accepted');
    // The answered connection closing afterwards gives nothing back a second time.
    answered.socket.destroy();
    closed.socket.destroy();
    reset.socket.resetAndDestroy();
    // Left: the upgraded connection (no longer pending) and one waiting.
    await serverHolds(2);

    // Four places are free again, and no more.
    await stalledFrom('127.0.0.1', PER_IP - 1);
    await serverHolds(2 + PER_IP - 1);
    await expectRefused(await open(orion, '127.0.0.1'), 429);
    expect(waiting.text()).toBe('');
  });
});
