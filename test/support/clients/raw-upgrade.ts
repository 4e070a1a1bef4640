import { connect } from 'node:net';

export interface UpgradeAnswer {
  /** The status line, e.g. `HTTP/1.1 503 Service Unavailable`. */
  statusLine: string;
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends a WebSocket upgrade request over a raw TCP socket and reads everything the
 * server writes until it closes the connection, so a test sees the exact refusal and
 * that the socket really ends. Fails if the server keeps the socket open.
 */
export async function rawUpgrade(
  httpUrl: string,
  extraHeaders: Record<string, string> = {},
  timeoutMs = 3_000,
): Promise<UpgradeAnswer> {
  const { hostname, port } = new URL(httpUrl);
  const request = [
    'GET / HTTP/1.1',
    `Host: ${hostname}:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13',
    ...Object.entries(extraHeaders).map(([name, value]) => `${name}: ${value}`),
    '',
    '',
  ].join('\r\n');
  const text = await rawExchange(httpUrl, request, timeoutMs);
  const split = text.indexOf('\r\n\r\n');
  const [statusLine, ...headerLines] = text.slice(0, split).split('\r\n');
  const headers = Object.fromEntries(
    headerLines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  return {
    statusLine,
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: text.slice(split + 4),
  };
}

/**
 * Writes `request` as raw bytes on a new TCP connection and returns everything the server
 * answers until it closes the connection. Fails if the server keeps it open.
 */
export async function rawExchange(
  httpUrl: string,
  request: string,
  timeoutMs = 3_000,
): Promise<string> {
  const { hostname, port } = new URL(httpUrl);
  const socket = connect(Number(port), hostname);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.once('error', () => undefined);
  socket.write(request);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`The server kept the socket open: ${Buffer.concat(chunks)}`));
    }, timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return Buffer.concat(chunks).toString('utf8');
}
