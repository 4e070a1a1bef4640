import { createSocket } from 'node:dgram';
import { Agent, request } from 'node:http';
import { WebSocket } from 'ws';
import { decodeFrame, encodeFrame, UDP_CONNECT_METHOD } from '@orion/protocol';

const DEFAULT_WAIT_MS = 15_000;

/**
 * A protocol client for the load generator: one WebSocket, server messages queued by
 * method, and `next(method)` to consume them in order. A scenario may set `onFrame` to
 * see raw frames first (return true to skip queueing).
 */
export class Client {
  token = '';
  onFrame = undefined;
  #queues = new Map();
  #waiters = new Map();

  constructor(ws) {
    this.ws = ws;
    ws.on('message', (data) => this.#receive(data.toString('utf8')));
    ws.on('error', () => ws.terminate());
  }

  /** Opens a WebSocket and resolves once `client_registered` gave the token. */
  static async connect(wsUrl, timeoutMs = DEFAULT_WAIT_MS) {
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    const client = new Client(ws);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    client.token = (await client.next('client_registered', timeoutMs)).token;
    return client;
  }

  /** The payload of the next unconsumed message of `method`, waiting up to `timeoutMs`. */
  next(method, timeoutMs = DEFAULT_WAIT_MS) {
    const queued = this.#queues.get(method);
    if (queued?.length) return Promise.resolve(queued.shift());
    let waiters = this.#waiters.get(method);
    if (!waiters) this.#waiters.set(method, (waiters = []));
    return new Promise((resolve, reject) => {
      const waiter = (payload) => {
        clearTimeout(timer);
        resolve(payload);
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`no ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.push(waiter);
    });
  }

  /** Waits for `count` messages of `method` and returns their payloads. */
  async take(method, count, timeoutMs = DEFAULT_WAIT_MS) {
    const payloads = [];
    for (let i = 0; i < count; i++) payloads.push(await this.next(method, timeoutMs));
    return payloads;
  }

  send(method, payload) {
    this.ws.send(encodeFrame(method, payload));
  }

  /** Closes the socket and resolves when it is closed (or after `timeoutMs`, terminated). */
  close(timeoutMs = 5_000) {
    const { ws } = this;
    if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        ws.terminate();
        resolve();
      }, timeoutMs);
      ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      ws.close();
    });
  }

  #receive(text) {
    if (this.onFrame?.(text)) return;
    const frame = decodeFrame(text);
    if (!frame) throw new Error('the server sent an undecodable frame');
    const waiters = this.#waiters.get(frame.method);
    if (waiters?.length) {
      waiters.shift()(frame.payload);
      return;
    }
    const queue = this.#queues.get(frame.method);
    if (queue) queue.push(frame.payload);
    else this.#queues.set(frame.method, [frame.payload]);
  }
}

/** JSON over HTTP/1.1 keep-alive to one server. */
export class Http {
  constructor(host, port, maxSockets = 64) {
    this.host = host;
    this.port = port;
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  post(path, body, timeoutMs = DEFAULT_WAIT_MS) {
    return this.#request('POST', path, JSON.stringify(body), timeoutMs);
  }

  get(path, timeoutMs = DEFAULT_WAIT_MS) {
    return this.#request('GET', path, undefined, timeoutMs);
  }

  /** POSTs and throws unless the status is `expected`; returns the parsed body. */
  async expect(expected, path, body) {
    const { status, text } = await this.post(path, body);
    if (status !== expected) throw new Error(`POST ${path}: ${status} ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : undefined;
  }

  close() {
    this.agent.destroy();
  }

  #request(method, path, payload, timeoutMs) {
    return new Promise((resolve, reject) => {
      const headers = payload
        ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }
        : {};
      const req = request(
        { host: this.host, port: this.port, method, path, headers, agent: this.agent },
        (res) => {
          const chunks = [];
          res.on('data', (chunk) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

/** A UDP socket bound to an ephemeral loopback port. */
export async function udpSocket(host) {
  const socket = createSocket('udp4');
  await new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, resolve);
  });
  return socket;
}

export function connectDatagram(token) {
  return Buffer.from(encodeFrame(UDP_CONNECT_METHOD, { token }), 'utf8');
}

/**
 * Connects `size` clients, makes the first the host of a lobby of `size` (private), and
 * joins the rest; resolves once the host has heard every join.
 */
export async function buildLobby(target, http, size, batch = 32) {
  const clients = [];
  for (let i = 0; i < size; i += batch) {
    const n = Math.min(batch, size - i);
    clients.push(
      ...(await Promise.all(Array.from({ length: n }, () => Client.connect(target.wsUrl)))),
    );
  }
  const [host, ...peers] = clients;
  const { lobbyId } = await http.expect(201, '/lobbies', {
    token: host.token,
    hostName: 'host',
    lobbyName: 'bench',
    isPublic: false,
    maxMembers: size,
  });
  for (let i = 0; i < peers.length; i += batch) {
    await Promise.all(
      peers.slice(i, i + batch).map((peer, j) =>
        http.expect(200, `/lobbies/${lobbyId}/join`, {
          token: peer.token,
          peerName: `peer${i + j + 1}`,
        }),
      ),
    );
  }
  await host.take('lobby_peerConnect', peers.length);
  return { lobbyId, host, peers, clients };
}
