import { Module, type DynamicModule } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import { LoggerModule } from 'nestjs-pino';
import type { Options } from 'pino-http';
import pretty from 'pino-pretty';
import type { OrionConfig } from '../config/orion-config.js';
import { redactTokens } from './redact-tokens.js';

type RoutedRequest = IncomingMessage & { route?: { path?: string }; baseUrl?: string };

/**
 * Structured logs with pino: one line per HTTP request (method, route, status, time; never
 * the body) and the lifecycle lines the services write, with `clientId` / `lobbyId` fields.
 */
@Module({})
export class LoggingModule {
  static forRoot(config: OrionConfig, destination?: Writable): DynamicModule {
    const stream =
      config.logFormat === 'pretty'
        ? pretty({ destination: destination ?? process.stdout, sync: true })
        : destination;
    const options: Options = {
      level: config.logLevel,
      formatters: { log: (object) => redactTokens(object) },
      quietReqLogger: true,
      customProps: (request) => ({ route: routeOf(request as RoutedRequest) }),
      // pino-http hands serializers a wrapper; `raw` is the real request or response.
      serializers: {
        req: (request: { raw: IncomingMessage }) => ({
          method: request.raw.method,
          url: request.raw.url,
        }),
        res: (response: { raw: ServerResponse }) => ({ statusCode: response.raw.statusCode }),
      },
    };
    return {
      module: LoggingModule,
      imports: [LoggerModule.forRoot({ pinoHttp: stream ? [options, stream] : options })],
    };
  }
}

/** The matched route pattern (`/lobbies/:lobbyId/join`), never the raw URL's values. */
function routeOf(request: RoutedRequest): string {
  const pattern = request.route?.path;
  return pattern === undefined ? 'unmatched' : `${request.baseUrl ?? ''}${pattern}`;
}
