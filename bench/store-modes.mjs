import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure } from './lib/measure.mjs';
import { ORION_LOAD_FLAGS, TIMER_FLAGS } from './lib/orion-flags.mjs';
import { say, warn } from './lib/out.mjs';
import { openRedisProbe, redactedUrl } from './lib/redis-probe.mjs';
import { buildRows, markdownTable, textTable } from './lib/report.mjs';
import { machineLine, prepareBench } from './lib/setup.mjs';
import { STORE_FLOWS } from './store-figures.mjs';

/**
 * `npm run bench:stores` (after `npm run build`): the lobby flow scenario of `npm run bench`
 * on two fresh Orion servers one after the other, state in memory and then in Redis
 * (REDIS_URL, default redis://127.0.0.1:6379, under a key prefix of its own that is deleted
 * afterwards). Same pinning, flags and load as `npm run bench`. Prints the table and writes
 * bench/results/stores-latest.json and stores-latest.md. BENCH_QUICK=1 runs smaller counts.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const QUICK = process.env.BENCH_QUICK === '1';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const KEY_PREFIX = `{orion-bench-${randomUUID()}}:`;
const MODES = [
  { id: 'memory', flags: [] },
  { id: 'redis', flags: ['--redisUrl', REDIS_URL, '--redisKeyPrefix', KEY_PREFIX] },
];
const COLUMNS = { left: 'memory', right: 'redis', headings: ['Memory', 'Redis', 'Redis/memory'] };

let probe;
const { machine, serverCore, loadCore, hz, results } = prepareBench({
  root: ROOT,
  onInterrupt: async () => probe?.deleteKeys(KEY_PREFIX),
});
try {
  probe = await openRedisProbe(REDIS_URL);
} catch (error) {
  warn(`Cannot reach Redis at ${redactedUrl(REDIS_URL)} (${error.message}); set REDIS_URL.`);
  process.exit(1);
}
const redisLine = `Redis ${probe.version} at ${redactedUrl(REDIS_URL)}, pid ${probe.pid ?? 'not visible'}`;
if (probe.pid === undefined)
  warn("Redis's process is not visible in /proc: its CPU is not counted (shown as '-').");

say(`Orion store modes benchmark${QUICK ? ' (quick)' : ''}: ${machineLine(machine)}`);
say(`  ${redisLine}, key prefix ${KEY_PREFIX}`);
const started = Date.now();
const runs = { [STORE_FLOWS.id]: {} };
let redisKeys;
try {
  for (const mode of MODES) {
    say(`  flows with state in ${mode.id} ...`);
    const run = await measure({
      root: ROOT,
      scenario: STORE_FLOWS,
      params: STORE_FLOWS.params(QUICK),
      entry: 'dist/main.js',
      flags: [...TIMER_FLAGS, ...ORION_LOAD_FLAGS, ...mode.flags],
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
  redisKeys = { deleted: await probe.deleteKeys(KEY_PREFIX) };
  redisKeys.left = await probe.countKeys(KEY_PREFIX);
  probe.close();
}

const rows = buildRows([STORE_FLOWS], runs, COLUMNS);
say('');
say(textTable(rows, COLUMNS));
say('');
say(`Ran in ${Math.round((Date.now() - started) / 1000)} s.`);
say(`Deleted the ${redisKeys.deleted} Redis keys the run left; ${redisKeys.left} remain.`);
const report = {
  date: new Date().toISOString(),
  quick: QUICK,
  machine: { ...machine, clockTicksPerSecond: hz, serverCore, loadCore },
  redis: {
    url: redactedUrl(REDIS_URL),
    version: probe.version,
    pid: probe.pid,
    keyPrefix: KEY_PREFIX,
    keys: redisKeys,
  },
  timerFlags: TIMER_FLAGS,
  orionLoadFlags: ORION_LOAD_FLAGS,
  params: STORE_FLOWS.params(QUICK),
  runs,
  rows,
};
writeFileSync(join(results, 'stores-latest.json'), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(
  join(results, 'stores-latest.md'),
  `Run ${report.date}${QUICK ? ' (quick)' : ''} on ${machineLine(machine)}; ${redisLine}.\n\n${markdownTable(rows, COLUMNS)}\n`,
);
say('Wrote bench/results/stores-latest.json and stores-latest.md.');
process.exitCode =
  MODES.some((mode) => runs[STORE_FLOWS.id][mode.id].error) || redisKeys.left ? 1 : 0;
