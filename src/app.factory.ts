import type { INestApplication } from '@nestjs/common';
import type { Writable } from 'node:stream';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { answerClientErrorsAsJson } from './common/http-client-errors.js';
import { parseAllowedOrigins } from './common/allowed-origins.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import { JsonBodyGuard } from './common/json-body.guard.js';
import { OrionEventBus } from './common/orion-events.js';
import { serveOpenApi } from './common/openapi.js';
import { useSecurityHeaders } from './common/security-headers.js';
import { createValidationPipe } from './common/validation.pipe.js';
import { BindHost } from './config/bind-host.js';
import type { OrionConfig } from './config/orion-config.js';
import { ConnectionAdmission } from './gateway/connection-admission.js';
import { FrameWsAdapter } from './gateway/frame-ws.adapter.js';
import { guardHttpConnections } from './http-edge/http-connection-guard.js';
import { PinoNestLogger } from './logging/pino-nest-logger.js';

export interface OrionAppOptions {
  /** Where log lines go; standard output when absent. Tests capture them here. */
  logDestination?: Writable;
}

/** Builds the whole server, listening on the configured HTTP and UDP ports. */
export async function createOrionApp(
  config: OrionConfig,
  options: OrionAppOptions = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, options.logDestination),
    { bufferLogs: true, abortOnError: false, bodyParser: false },
  );
  // CORS first, so that even a refused body answers with CORS headers; browsers may read
  // Retry-After on a 429. Any origin gets `*` (never a reflected origin, never credentials:
  // Orion uses no cookies); a list allows only those origins.
  const origins = parseAllowedOrigins(config.allowedOrigins);
  app.enableCors({ origin: origins === '*' ? '*' : [...origins], exposedHeaders: ['Retry-After'] });
  useSecurityHeaders(app);
  // Nest's own parsers would accept 100 kB; a body over maxBodyBytes answers 413. JSON
  // only, and not only objects, so that `null` gets a clearer 400 than "not valid JSON";
  // any other body answers 415 (JsonBodyGuard).
  app.useBodyParser('json', { limit: config.maxBodyBytes, strict: false });
  app.useLogger(app.get(PinoNestLogger));
  // No ETag hashing of every response (clients poll nothing that could use it), and no
  // advertising of the framework.
  app.set('etag', false);
  app.disable('x-powered-by');
  answerClientErrorsAsJson(app.getHttpServer());
  guardHttpConnections(app.getHttpServer(), config, app.get(OrionEventBus));
  const events = app.get(OrionEventBus);
  app.useWebSocketAdapter(
    new FrameWsAdapter(app, {
      maxFrameBytes: config.maxFrameBytes,
      admission: app.get(ConnectionAdmission),
      onDropped: (result) => events.emit('ws.frame', { result }),
    }),
  );
  app.useGlobalGuards(new JsonBodyGuard());
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  serveOpenApi(app);
  await app.listen(config.httpPort, app.get(BindHost).address);
  return app;
}
