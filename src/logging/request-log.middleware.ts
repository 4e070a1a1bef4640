import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { routePatternOf, type RoutedRequest } from '../common/request-route.js';

type LoggedRequest = IncomingMessage & RoutedRequest & { originalUrl?: string };

type Middleware = (request: IncomingMessage, response: ServerResponse, next: () => void) => void;

/**
 * One line per HTTP request once it ends: `reqId`, `req` (method and path, never the query
 * or the body), `res` (status), `responseTime` in ms and `route` (the matched pattern). A
 * 5xx is written at error as "request errored"; a request whose client went away first as
 * "request aborted". The fields are those pino-http wrote, without its child logger and
 * serializers per request, which cost about a third of a request's CPU.
 */
export function requestLogMiddleware(logger: Logger): Middleware {
  let lastId = 0;
  return (request, response, next) => {
    const reqId = ++lastId;
    const startedAt = Date.now();
    const done = () => {
      response.off('close', done);
      response.off('finish', done);
      writeLine(logger, request as LoggedRequest, response, reqId, Date.now() - startedAt);
    };
    response.on('close', done);
    response.on('finish', done);
    next();
  };
}

function writeLine(
  logger: Logger,
  request: LoggedRequest,
  response: ServerResponse,
  reqId: number,
  responseTime: number,
): void {
  const line = {
    reqId,
    req: { method: request.method, url: pathOf(request) },
    res: { statusCode: response.statusCode },
    responseTime,
    route: routePatternOf(request),
  };
  if (response.statusCode >= 500) {
    logger.error(line, 'request errored');
    return;
  }
  const completed = !request.readableAborted && response.writableEnded;
  logger.info(line, completed ? 'request completed' : 'request aborted');
}

/**
 * The request's path, without the query string. Nest mounts this middleware on a wildcard
 * route, and Express strips the mount path from `url` there (it reads "/"); `originalUrl`
 * keeps it.
 */
function pathOf(request: LoggedRequest): string | undefined {
  const url = request.originalUrl ?? request.url;
  return url?.split('?', 1)[0];
}
