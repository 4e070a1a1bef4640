import { WebSocket } from 'ws';

/** How long close() waits for Orion to confirm a WebSocket close before cutting it. */
const CLOSE_GRACE_MS = 1_000;

/** The WebSocket URL for Orion's HTTP URL: same host and port, at `/`. */
export function webSocketUrlOf(httpUrl: URL): string {
  const protocol = httpUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${httpUrl.host}/`;
}

/** Resolves once `ws` is open; rejects with a readable reason if the upgrade fails. */
export function whenOpen(ws: WebSocket, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const opened = () => {
      ws.off('error', failed);
      resolve();
    };
    const failed = (error: Error) => {
      ws.off('open', opened);
      reject(new Error(`Could not open a WebSocket to ${url}: ${error.message}`, { cause: error }));
    };
    ws.once('open', opened);
    ws.once('error', failed);
  });
}

/**
 * Closes `ws` politely (with 1000, leaving Orion, unless `code` says otherwise), and cuts it
 * if Orion does not answer the close in time.
 */
export function closeWebSocket(ws: WebSocket, code = 1000): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const cut = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
    ws.once('close', () => {
      clearTimeout(cut);
      resolve();
    });
    if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
    else ws.close(code);
  });
}
