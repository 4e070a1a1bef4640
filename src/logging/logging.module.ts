import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import { pinoHttp, type HttpLogger, type Options } from 'pino-http';
import type { OrionConfig } from '../config/orion-config.js';
import { PinoNestLogger } from './pino-nest-logger.js';
import { prettyLines } from './pretty-lines.js';
import { redactTokens } from './redact-tokens.js';

const HTTP_LOGGER = Symbol('HTTP_LOGGER');

type RoutedRequest = IncomingMessage & {
  route?: { path?: string };
  baseUrl?: string;
  originalUrl?: string;
};

/**
 * Structured logs with pino: one line per HTTP request (method, route, status, time; never
 * the body) and the lifecycle lines the services write, with `clientId` / `lobbyId` fields.
 */
@Global()
@Module({})
export class LoggingModule implements NestModule {
  constructor(@Inject(HTTP_LOGGER) private readonly httpLogger: HttpLogger) {}

  /**
   * One pino logger for the request lines and for Nest's {@link PinoNestLogger}. No
   * per-request logger is bound: that would take AsyncLocalStorage, whose hooks cost
   * every promise in the process, and Orion's lines carry their own ids instead.
   */
  static forRoot(config: OrionConfig, destination?: Writable): DynamicModule {
    const stream =
      config.logFormat === 'pretty' ? prettyLines(destination ?? process.stdout) : destination;
    const withRoute = (request: IncomingMessage, fields: object) => ({
      ...fields,
      route: routeOf(request as RoutedRequest),
    });
    const options: Options = {
      level: config.logLevel,
      formatters: { log: (object) => redactTokens(object) },
      quietReqLogger: true,
      // Not customProps: pino-http evaluates those at the start of the request too, before
      // routing, and the line then carried `route` twice, first as "unmatched".
      customSuccessObject: (request, _response, fields: object) => withRoute(request, fields),
      customErrorObject: (request, _response, _error, fields: object) => withRoute(request, fields),
      // pino-http hands serializers a wrapper; `raw` is the real request or response.
      serializers: {
        req: (request: { raw: RoutedRequest }) => ({
          method: request.raw.method,
          url: pathOf(request.raw),
        }),
        res: (response: { raw: ServerResponse }) => ({ statusCode: response.raw.statusCode }),
      },
    };
    const httpLogger = stream ? pinoHttp(options, stream) : pinoHttp(options);
    return {
      module: LoggingModule,
      providers: [
        { provide: HTTP_LOGGER, useValue: httpLogger },
        { provide: PinoNestLogger, useValue: new PinoNestLogger(httpLogger.logger) },
      ],
      exports: [PinoNestLogger],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(this.httpLogger).forRoutes('{*path}');
  }
}

/**
 * The request's path, without the query string. Nest mounts this middleware on a wildcard
 * route, and Express strips the mount path from `url` there (it reads "/"); `originalUrl`
 * keeps it.
 */
function pathOf(request: RoutedRequest): string | undefined {
  const url = request.originalUrl ?? request.url;
  return url?.split('?', 1)[0];
}

/** The matched route pattern (`/lobbies/:lobbyId/join`), never the raw URL's values. */
function routeOf(request: RoutedRequest): string {
  const pattern = request.route?.path;
  return pattern === undefined ? 'unmatched' : `${request.baseUrl ?? ''}${pattern}`;
}
