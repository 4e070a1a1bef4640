import type { Writable } from 'node:stream';
import pretty, { type PrettyStream } from 'pino-pretty';

/** Fields the message already shows, or that only matter to a log pipeline. */
const SHOWN_IN_MESSAGE = ['pid', 'hostname', 'reqId', 'req', 'res', 'responseTime', 'route'];

interface RequestLine {
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  context?: unknown;
}

/**
 * `--logFormat pretty`: one line per record, a request as `POST /lobbies/K3Z9Q/join 200 3ms`,
 * any other record as `[Context] message` with its remaining fields inline.
 */
export function prettyLines(destination: Writable): PrettyStream {
  return pretty({
    destination,
    sync: true,
    singleLine: true,
    ignore: [...SHOWN_IN_MESSAGE, 'context'].join(','),
    messageFormat: (log, messageKey) => {
      const { req, res, responseTime, context } = log as RequestLine;
      if (req && res) {
        return `${req.method} ${req.url} ${res.statusCode} ${responseTime}ms`;
      }
      const message = String(log[messageKey] ?? '');
      return typeof context === 'string' ? `[${context}] ${message}` : message;
    },
  });
}
