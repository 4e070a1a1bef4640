import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ORION_LOAD_FLAGS, TIMER_FLAGS } from './lib/orion-flags.mjs';
import { say, warn } from './lib/out.mjs';
import { markdownTable, textTable } from './lib/report.mjs';
import { machineLine, prepareBench } from './lib/setup.mjs';
import { STORE_COLUMNS, storeModes } from './lib/store-modes-run.mjs';
import { STORE_FLOWS } from './store-figures.mjs';

/**
 * `npm run bench:stores` (after `npm run build`): the lobby flow scenario of `npm run bench`
 * on two fresh Orion servers one after the other, state in memory and then in Redis
 * (REDIS_URL, default redis://127.0.0.1:6379, under a key prefix of its own that is deleted
 * afterwards). Same pinning, flags and load as `npm run bench`. Prints the table and writes
 * bench/results/stores-latest.json and stores-latest.md. BENCH_QUICK=1 runs smaller counts;
 * BENCH_STRICT=1 exits 1 when a target is missed (or could not be checked), naming the rows;
 * BENCH_SERVER_ARGS passes node options to both servers, as for `npm run bench`.
 * `npm run bench` runs the same after its own scenarios, when Redis is reachable.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const QUICK = process.env.BENCH_QUICK === '1';
const STRICT = process.env.BENCH_STRICT === '1';
const SERVER_ARGS = process.env.BENCH_SERVER_ARGS?.split(' ').filter(Boolean) ?? [];

const stores = storeModes({ quick: QUICK });
const { machine, serverCore, loadCore, hz, results } = prepareBench({
  root: ROOT,
  onInterrupt: () => stores.cleanUp(),
});
let redisLine;
try {
  redisLine = await stores.connect();
} catch (error) {
  warn(`Cannot reach Redis at ${stores.url} (${error.message}); set REDIS_URL.`);
  process.exit(1);
}

say(`Orion store modes benchmark${QUICK ? ' (quick)' : ''}: ${machineLine(machine)}`);
say(`  ${redisLine}, key prefix ${stores.keyPrefix}`);
const started = Date.now();
const { runs, rows, keys, failed } = await stores.run({
  root: ROOT,
  serverCore,
  loadCore,
  hz,
  results,
  nodeArgs: SERVER_ARGS,
});

say('');
say(textTable(rows, STORE_COLUMNS));
say('');
say(`Ran in ${Math.round((Date.now() - started) / 1000)} s.`);
say(`Deleted the ${keys.deleted} Redis keys the run left; ${keys.left} remain.`);
const report = {
  date: new Date().toISOString(),
  quick: QUICK,
  strict: STRICT,
  machine: { ...machine, clockTicksPerSecond: hz, serverCore, loadCore },
  redis: { ...stores.redis, keys },
  timerFlags: TIMER_FLAGS,
  orionLoadFlags: ORION_LOAD_FLAGS,
  params: STORE_FLOWS.params(QUICK),
  runs,
  rows,
};
writeFileSync(join(results, 'stores-latest.json'), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(
  join(results, 'stores-latest.md'),
  `Run ${report.date}${QUICK ? ' (quick)' : ''} on ${machineLine(machine)}; ${redisLine}.\n\n${markdownTable(rows, STORE_COLUMNS)}\n`,
);
say('Wrote bench/results/stores-latest.json and stores-latest.md.');
// Unmet, or not measured (a mode failed): either way the change was not shown to be fine.
const missed = rows.filter((row) => row.target && row.met !== true);
if (STRICT && missed.length > 0) {
  warn(`BENCH_STRICT: ${missed.length} target(s) missed:`);
  for (const row of missed) {
    const outcome = row.met === false ? 'MISSED' : 'not measured';
    warn(`  ${row.title}: ${row.figure} (${row.target}): ${outcome}`);
  }
}
process.exitCode = failed || keys.left || (STRICT && missed.length > 0) ? 1 : 0;
