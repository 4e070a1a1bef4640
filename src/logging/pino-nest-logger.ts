import type { LoggerService } from '@nestjs/common';
import type { Level, Logger as PinoLogger } from 'pino';

/**
 * Contexts of Nest's own start-up lines (modules loaded, routes mapped, gateways subscribed,
 * "successfully started"). They are written at debug, not info, so that a server started at
 * the default level shows only Orion's own lines.
 */
const NEST_BOOT_CONTEXTS: ReadonlySet<unknown> = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
  'NestApplicationContext',
  'WebSocketsController',
]);

/**
 * Nest's logger interface written to pino. Nest's `Logger` appends the caller's
 * context as the last parameter; it becomes the `context` field. A leading object
 * becomes fields of the line, and an Error its `err`.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: PinoLogger) {}

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  log(message: unknown, ...params: unknown[]): void {
    const context = params[params.length - 1];
    this.write(NEST_BOOT_CONTEXTS.has(context) ? 'debug' : 'info', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    let rest = params;
    if (params.length > 0) {
      const context = params[params.length - 1];
      if (context !== undefined) fields.context = context;
      rest = params.slice(0, -1).filter((param) => param !== undefined);
    }
    if (message instanceof Error) {
      fields.err = message;
      this.pino[level](fields, ...(rest as [string]));
    } else if (typeof message === 'object' && message !== null) {
      this.pino[level]({ ...fields, ...message }, ...(rest as [string]));
    } else if (level === 'error' && rest.length === 1 && isStack(rest[0])) {
      // Nest's own exception handlers call error(message, stack, context).
      this.pino[level]({ ...fields, err: { message: String(message), stack: rest[0] } });
    } else {
      this.pino[level](fields, String(message), ...rest);
    }
  }
}

function isStack(value: unknown): value is string {
  return typeof value === 'string' && /\n\s+at /.test(value);
}
