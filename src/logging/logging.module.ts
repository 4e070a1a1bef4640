import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import type { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type { OrionConfig } from '../config/orion-config.js';
import { LinesPerTick } from './lines-per-tick.js';
import { PinoNestLogger } from './pino-nest-logger.js';
import { prettyLines } from './pretty-lines.js';
import { redactTokens } from './redact-tokens.js';
import { requestLogMiddleware } from './request-log.middleware.js';

const PINO_LOGGER = Symbol('PINO_LOGGER');

/**
 * Structured logs with pino: one line per HTTP request (method, route, status, time; never
 * the body) and the lifecycle lines the services write, with `clientId` / `lobbyId` fields.
 */
@Global()
@Module({})
export class LoggingModule implements NestModule {
  constructor(@Inject(PINO_LOGGER) private readonly logger: Logger) {}

  /**
   * One pino logger for the request lines and for Nest's {@link PinoNestLogger}. No
   * per-request logger is bound: that would take AsyncLocalStorage, whose hooks cost
   * every promise in the process, and Orion's lines carry their own ids instead.
   */
  static forRoot(config: OrionConfig, destination?: Writable): DynamicModule {
    const stream =
      config.logFormat === 'pretty' ? prettyLines(destination ?? process.stdout) : destination;
    const options = {
      level: config.logLevel,
      formatters: { log: (object: Record<string, unknown>) => redactTokens(object) },
    };
    // Standard output by default, a line batch per turn of the event loop (LinesPerTick).
    const logger = pino(
      options,
      stream ?? new LinesPerTick(pino.destination({ dest: 1, sync: true })),
    );
    return {
      module: LoggingModule,
      providers: [
        { provide: PINO_LOGGER, useValue: logger },
        { provide: PinoNestLogger, useValue: new PinoNestLogger(logger) },
      ],
      exports: [PinoNestLogger],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(requestLogMiddleware(this.logger)).forRoutes('{*path}');
  }
}
