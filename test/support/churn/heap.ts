import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full, forced garbage collection. Vitest's workers do not get `--expose-gc`, so the
 * flag is turned on at run time: a new context made after that sees a `gc` global.
 */
function collector(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as unknown;
  if (typeof gc !== 'function') throw new Error('Could not expose a forced GC');
  return gc as () => void;
}

/**
 * Bytes of heap in use once everything unreachable is gone: several full collections
 * with turns of the event loop between them, so that objects freed by finalizers and
 * closed sockets' callbacks are collected too.
 */
export async function heapUsedAfterGc(): Promise<number> {
  const gc = collector();
  for (let round = 0; round < 4; round++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  return process.memoryUsage().heapUsed;
}

export const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
