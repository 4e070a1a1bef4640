import type { INestApplication } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import type { Writable } from 'node:stream';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import { OrionEventBus } from './common/orion-events.js';
import { serveOpenApi } from './common/openapi.js';
import { createValidationPipe } from './common/validation.pipe.js';
import type { OrionConfig } from './config/orion-config.js';
import { FrameWsAdapter } from './gateway/frame-ws.adapter.js';

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
    { bufferLogs: true, cors: { origin: true }, abortOnError: false },
  );
  app.useLogger(app.get(Logger));
  const events = app.get(OrionEventBus);
  app.useWebSocketAdapter(new FrameWsAdapter(app, (result) => events.emit('ws.frame', { result })));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  serveOpenApi(app);
  await app.listen(config.httpPort, config.host);
  return app;
}
