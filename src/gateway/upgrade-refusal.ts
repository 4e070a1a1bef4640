import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { UpgradeRefusal } from './connection-admission.js';

/**
 * Answers a WebSocket upgrade request with a plain HTTP error in Orion's `{ "errors" }`
 * shape, then closes the connection. No HTTP machinery is left on an upgrade socket,
 * so the response is written raw.
 */
export function refuseUpgrade(socket: Duplex, { status, reason }: UpgradeRefusal): void {
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
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n' +
      '\r\n' +
      body,
  );
}
