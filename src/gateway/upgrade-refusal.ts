import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** A refusal from admission (`UpgradeRefusal`), or an answer to a malformed handshake. */
export interface UpgradeAnswer {
  status: number;
  reason: string;
  headers?: Record<string, string>;
}

/**
 * Answers a WebSocket upgrade request with a plain HTTP error in Orion's `{ "errors" }`
 * shape, then closes the connection. No HTTP machinery is left on an upgrade socket,
 * so the response is written raw.
 */
export function refuseUpgrade(
  socket: Duplex,
  { status, reason, headers = {} }: UpgradeAnswer,
): void {
  // Nothing else listens for errors on an upgrade socket; a peer that vanished must not crash us.
  socket.on('error', () => socket.destroy());
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ errors: [reason] });
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Content-Type: application/json\r\n' +
      'X-Content-Type-Options: nosniff\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n' +
      Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('') +
      '\r\n' +
      body,
  );
}

/**
 * Orion's answer to an upgrade request ws refused (its `wsClientError`): a missing or bad
 * `Sec-WebSocket-Key`, `Sec-WebSocket-Version` or `Upgrade` header, or a method other than
 * GET. ws would answer these itself, in text/html.
 */
export function handshakeRefusal(error: Error): UpgradeAnswer {
  const reason = `The WebSocket upgrade request is malformed: ${error.message}.`;
  if (/method/i.test(error.message)) return { status: 405, reason, headers: { Allow: 'GET' } };
  if (/Sec-WebSocket-Version/i.test(error.message)) {
    return { status: 400, reason, headers: { 'Sec-WebSocket-Version': '13, 8' } };
  }
  return { status: 400, reason };
}
