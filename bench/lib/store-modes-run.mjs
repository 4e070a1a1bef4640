import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { STORE_FLOWS } from '../store-figures.mjs';
import { measure } from './measure.mjs';
import { ORION_LOAD_FLAGS, TIMER_FLAGS } from './orion-flags.mjs';
import { say, warn } from './out.mjs';
import { openRedisProbe, redactedUrl } from './redis-probe.mjs';
import { buildRows } from './report.mjs';

/** The two columns of the store-modes table. */
export const STORE_COLUMNS = {
  left: 'memory',
  right: 'redis',
  headings: ['Memory', 'Redis', 'Redis/memory'],
};

/** Redis as the benches find it: REDIS_URL, else the default local server. */
export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/**
 * The lobby flow with state in memory and then in Redis, for `npm run bench:stores` and for
 * `npm run bench`: `connect()` first (it rejects when Redis cannot be reached), then `run()`.
 * Every key the Redis-mode server writes is under a prefix of its own, deleted by `cleanUp()`
 * (after the run, and on Ctrl-C).
 */
export function storeModes({ quick, redisUrl = REDIS_URL }) {
  const keyPrefix = `{orion-bench-${randomUUID()}}:`;
  const modes = [
    { id: 'memory', flags: [] },
    { id: 'redis', flags: ['--redisUrl', redisUrl, '--redisKeyPrefix', keyPrefix] },
  ];
  let probe;
  return {
    keyPrefix,
    url: redactedUrl(redisUrl),
    /** Connects the probe; the line naming Redis for the output and reports. */
    async connect() {
      probe = await openRedisProbe(redisUrl);
      if (probe.pid === undefined)
        warn("Redis's process is not visible in /proc: its CPU is not counted (shown as '-').");
      return `Redis ${probe.version} at ${redactedUrl(redisUrl)}, pid ${probe.pid ?? 'not visible'}`;
    },
    get redis() {
      return { url: redactedUrl(redisUrl), version: probe?.version, pid: probe?.pid, keyPrefix };
    },
    /** Both modes, one fresh server each; `{ runs, rows, keys }` (keys deleted and left). */
    async run({ root, serverCore, loadCore, hz, results, nodeArgs = [] }) {
      const runs = { [STORE_FLOWS.id]: {} };
      let keys;
      try {
        for (const mode of modes) {
          say(`  flows with state in ${mode.id} ...`);
          const run = await measure({
            root,
            scenario: STORE_FLOWS,
            params: STORE_FLOWS.params(quick),
            entry: 'dist/main.js',
            flags: [...TIMER_FLAGS, ...ORION_LOAD_FLAGS, ...mode.flags],
            nodeArgs,
            serverCore,
            loadCore,
            hz,
            logFile: join(results, 'logs', `stores-${mode.id}.log`),
            sampleMore: probe.sample,
          }).catch((error) => ({ error: error.message }));
          if (run.error) warn(`  flows with state in ${mode.id} failed: ${run.error}`);
          runs[STORE_FLOWS.id][mode.id] = run;
        }
      } finally {
        // Every server has stopped by now: what is left under the prefix is the bench's to delete.
        keys = { deleted: await this.cleanUp() };
        keys.left = await probe.countKeys(keyPrefix);
        probe.close();
      }
      const failed = modes.some((mode) => runs[STORE_FLOWS.id][mode.id].error);
      return { runs, rows: buildRows([STORE_FLOWS], runs, STORE_COLUMNS), keys, failed };
    },
    /** Deletes every key under the prefix; resolves with how many there were. */
    cleanUp: async () => (probe ? probe.deleteKeys(keyPrefix) : 0),
  };
}
