import { Logger, type INestApplication } from '@nestjs/common';
import { DrainService } from './drain.service.js';

/** Exit code when the grace period ran out, or a second signal cut the drain short. */
export const EXIT_DRAIN_CUT_SHORT = 1;

/**
 * Drains the server, then closes it, within `graceMs`: past that, or on a second
 * SIGINT/SIGTERM, the process exits with {@link EXIT_DRAIN_CUT_SHORT}. Once closed,
 * the process ends by itself; a handle that still lingers then cannot hold it past
 * the grace period either.
 */
export async function shutDownGracefully(app: INestApplication, graceMs: number): Promise<void> {
  const logger = new Logger('Shutdown');
  const startedAt = Date.now();
  const cutShort = (why: string) => {
    logger.error(`${why}; exiting before the drain finished`);
    process.exit(EXIT_DRAIN_CUT_SHORT);
  };
  const grace = setTimeout(() => cutShort(`Shutdown took over ${graceMs} ms`), graceMs);
  const onSecondSignal = (signal: NodeJS.Signals) => cutShort(`Received ${signal} again`);
  process.once('SIGINT', onSecondSignal).once('SIGTERM', onSecondSignal);

  await app.get(DrainService).drain();
  await app.close();
  clearTimeout(grace);
  process.off('SIGINT', onSecondSignal).off('SIGTERM', onSecondSignal);
  logger.log(`Stopped after ${Date.now() - startedAt} ms`);

  const remainingMs = Math.max(1, graceMs - (Date.now() - startedAt));
  setTimeout(() => process.exit(0), remainingMs).unref();
}
