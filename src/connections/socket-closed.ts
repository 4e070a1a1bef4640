import type { WebSocket } from 'ws';

/** Resolves once the socket has closed (at once if it already has). */
export function socketClosed(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.readyState === socket.CLOSED) resolve();
    else socket.once('close', () => resolve());
  });
}
