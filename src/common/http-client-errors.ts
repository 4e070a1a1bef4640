import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** Answers Node's HTTP parser gives before any route runs, in Orion's `{ errors }` shape. */
const PARSER_ERRORS: Record<string, { status: number; reason: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: 'Request Header Fields Too Large',
    message: 'The request headers are too large.',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    reason: 'Request Timeout',
    message: 'The request took too long to arrive.',
  },
};
const MALFORMED = { status: 400, reason: 'Bad Request', message: 'The request is malformed.' };
/** How long an answered client has to read the answer and close its side before it is cut. */
const ANSWER_LINGER_MS = 1_000;

/**
 * Replaces Node's bare answer to a request it cannot parse (a broken request line,
 * oversized headers) with the same `{ errors }` body every other failure has.
 */
export function answerClientErrorsAsJson(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A reset connection, or one already answered, has no one left to tell.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { status, reason, message } = PARSER_ERRORS[error.code ?? ''] ?? MALFORMED;
    const body = JSON.stringify({ errors: [message] });
    // Ending our side alone would leave the connection open for as long as the client keeps
    // its own side open. Cutting it at once could lose the answer.
    const cut = setTimeout(() => socket.destroy(), ANSWER_LINGER_MS);
    socket.once('close', () => clearTimeout(cut));
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        'X-Content-Type-Options: nosniff\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
