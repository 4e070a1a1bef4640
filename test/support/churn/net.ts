import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { sleep } from '../timing.js';

export interface JsonResponse {
  status: number;
  body: Record<string, unknown>;
}

/**
 * POSTs a JSON body with plain `node:http`: lighter than supertest when a run sends
 * thousands of requests, and one connection per request like supertest's default.
 */
export function postJson(httpUrl: string, path: string, body: object): Promise<JsonResponse> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${httpUrl}${path}`,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: text === '' ? {} : JSON.parse(text) });
          } catch (error) {
            reject(error as Error);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** How a raw request is cut short. */
export type AbortPoint =
  /** Headers promise a body; only half of it is sent before the socket is destroyed. */
  | 'partial-body'
  /** The whole request is sent, and the socket destroyed before the answer arrives. */
  | 'before-response'
  /** The socket is destroyed as soon as the first byte of the answer arrives. */
  | 'on-response';

const hostOf = (url: string): { host: string; port: number } => {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port) };
};

function openSocket(url: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(hostOf(url), () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Writes `head` and `body` per `point`, then destroys the socket; never waits long. */
async function sendAndCut(url: string, head: string, body: string, point: AbortPoint) {
  const socket = await openSocket(url);
  // A reset by the server after the cut is expected; it must not become an uncaught error.
  socket.on('error', () => undefined);
  if (point === 'partial-body') {
    socket.write(head + body.slice(0, Math.floor(body.length / 2)));
    // Let the server start reading the body before the client vanishes.
    await sleep(5);
    socket.destroy();
    return;
  }
  if (point === 'on-response') {
    const answered = new Promise((resolve) => {
      socket.once('data', resolve);
      socket.once('close', resolve);
      setTimeout(resolve, 2_000).unref();
    });
    socket.write(head + body);
    await answered;
  } else {
    socket.write(head + body);
  }
  socket.destroy();
}

/** A POST with a JSON body whose client vanishes at `point`. */
export function abortedPost(
  httpUrl: string,
  path: string,
  body: object,
  point: AbortPoint,
): Promise<void> {
  const payload = JSON.stringify(body);
  const { host, port } = hostOf(httpUrl);
  const head =
    `POST ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(payload)}\r\n\r\n`;
  return sendAndCut(httpUrl, head, payload, point);
}

/** A WebSocket upgrade request whose client vanishes at `point` (no body to cut). */
export function abortedUpgrade(wsUrl: string, point: Exclude<AbortPoint, 'partial-body'>) {
  const { host, port } = hostOf(wsUrl);
  const head =
    `GET / HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
  return sendAndCut(wsUrl, head, '', point);
}
