import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure } from './lib/measure.mjs';
import { ORION_LOAD_FLAGS, TIMER_FLAGS } from './lib/orion-flags.mjs';
import { say, warn } from './lib/out.mjs';
import { buildRows, markdownTable, textTable } from './lib/report.mjs';
import { machineLine, prepareBench } from './lib/setup.mjs';
import { STORE_COLUMNS, storeModes } from './lib/store-modes-run.mjs';
import { SCENARIOS } from './scenarios.mjs';

/**
 * `npm run bench` (after `npm run build`): for each scenario, the baseline and then
 * Orion, each a fresh server pinned to core 0 with the load generator pinned to core 1
 * (the HTTP scenario runs the framework floor, bench/floor/, in between).
 * Prints the table and writes bench/results/latest.json and latest.md.
 * BENCH_BEFORE=<path to another checkout's dist/main.js> also runs that build, in the same run,
 * and prints a before/after table (for changes on a hot path).
 * BENCH_QUICK=1 runs smaller counts; BENCH_ONLY=flows,udp picks scenarios (flows, idle,
 * chat, udp, relay, http); BENCH_STRICT=1 exits 1 when a target is missed (or could not be
 * checked), naming the rows;
 * BENCH_SERVER_ARGS="--cpu-prof --cpu-prof-dir=bench/results/profiles" passes node options
 * to every server.
 * With the flows scenario, the lobby flow also runs with state in memory and then in Redis
 * (REDIS_URL, default redis://127.0.0.1:6379), as `npm run bench:stores` does, and its
 * table follows; when Redis cannot be reached, the run says so and skips it.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const QUICK = process.env.BENCH_QUICK === '1';
const ONLY = process.env.BENCH_ONLY?.split(',').filter(Boolean);
const SERVER_ARGS = process.env.BENCH_SERVER_ARGS?.split(' ').filter(Boolean) ?? [];
const STRICT = process.env.BENCH_STRICT === '1';
const BEFORE = process.env.BENCH_BEFORE;
const SERVERS = [
  { id: 'baseline', entry: 'bench/baseline/server.mjs', flags: [] },
  ...(BEFORE ? [{ id: 'before', entry: BEFORE, flags: ORION_LOAD_FLAGS }] : []),
  { id: 'orion', entry: 'dist/main.js', flags: ORION_LOAD_FLAGS },
];
/** Nest + Express and no more: runs after the baseline in scenarios with `floor: true`. */
const FLOOR = { id: 'floor', entry: 'bench/floor/server.mjs', flags: [] };
const serversFor = (scenario) =>
  scenario.floor ? [SERVERS[0], FLOOR, ...SERVERS.slice(1)] : SERVERS;
const BEFORE_VS_AFTER = {
  left: 'before',
  right: 'orion',
  headings: ['Before', 'After', 'After/before'],
  targets: false,
};

const stores = storeModes({ quick: QUICK });
const {
  machine,
  serverCore,
  loadCore,
  hz,
  results: RESULTS,
} = prepareBench({
  root: ROOT,
  onInterrupt: () => stores.cleanUp(),
});

const scenarios = SCENARIOS.filter((scenario) => !ONLY || ONLY.includes(scenario.id));
say(`Orion benchmark${QUICK ? ' (quick)' : ''}: ${machineLine(machine)}`);
const started = Date.now();
const runs = {};
for (const scenario of scenarios) {
  runs[scenario.id] = {};
  for (const server of serversFor(scenario)) {
    say(`  ${scenario.id} on ${server.id} ...`);
    const run = await measureOn(scenario, server).catch((error) => ({ error: error.message }));
    if (run.error) warn(`  ${scenario.id} on ${server.id} failed: ${run.error}`);
    runs[scenario.id][server.id] = run;
  }
}

const storeRun = scenarios.some((scenario) => scenario.id === 'flows')
  ? await runStoreModes()
  : undefined;

const rows = buildRows(scenarios, runs);
const table = textTable(rows);
say('');
say(table);
say('');
if (storeRun?.rows) {
  say(`Lobby flow with state in memory vs in Redis (${storeRun.redisLine}):`);
  say(textTable(storeRun.rows, STORE_COLUMNS));
  say('');
} else if (storeRun) say(storeRun.skipped);
if (BEFORE) {
  say(`Before: ${BEFORE}`);
  say(textTable(buildRows(scenarios, runs, BEFORE_VS_AFTER), BEFORE_VS_AFTER));
  say('');
}
say(`Ran in ${Math.round((Date.now() - started) / 1000)} s.`);
const report = {
  date: new Date().toISOString(),
  quick: QUICK,
  strict: STRICT,
  machine: { ...machine, clockTicksPerSecond: hz, serverCore, loadCore },
  timerFlags: TIMER_FLAGS,
  orionLoadFlags: ORION_LOAD_FLAGS,
  serverNodeArgs: SERVER_ARGS,
  scenarios: Object.fromEntries(scenarios.map((s) => [s.id, { params: s.params(QUICK) }])),
  runs,
  rows,
  storeModes: storeRun,
};
const storeMarkdown = storeRun?.rows
  ? `\n${storeRun.redisLine}:\n\n${markdownTable(storeRun.rows, STORE_COLUMNS)}\n`
  : storeRun
    ? `\n${storeRun.skipped}\n`
    : '';
writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(
  join(RESULTS, 'latest.md'),
  `Run ${report.date}${QUICK ? ' (quick)' : ''} on ${machineLine(machine)}.\n\n${markdownTable(rows)}\n${storeMarkdown}`,
);
say(`Wrote bench/results/latest.json and latest.md.`);
const failed =
  Object.values(runs).some((r) => Object.values(r).some((run) => run.error)) ||
  Boolean(storeRun?.failed || storeRun?.keys?.left);
// Unmet, or not measured (a server failed): either way the change was not shown to be fine.
const missed = [...rows, ...(storeRun?.rows ?? [])].filter((row) => row.target && row.met !== true);
if (STRICT && missed.length > 0) {
  warn(`BENCH_STRICT: ${missed.length} target(s) missed:`);
  for (const row of missed) {
    const outcome = row.met === false ? 'MISSED' : 'not measured';
    warn(`  ${row.title}: ${row.figure} (${row.target}): ${outcome}`);
  }
}
process.exitCode = failed || (STRICT && missed.length > 0) ? 1 : 0;

/** One scenario on one server: a fresh server, the generator, samples at every mark. */
async function measureOn(scenario, server) {
  const scenarioFlags = scenario.serverFlags ? await scenario.serverFlags() : [];
  return measure({
    root: ROOT,
    scenario,
    params: scenario.params(QUICK),
    entry: server.entry,
    flags: [...TIMER_FLAGS, ...server.flags, ...scenarioFlags],
    nodeArgs: SERVER_ARGS,
    serverCore,
    loadCore,
    hz,
    logFile: join(RESULTS, 'logs', `${scenario.id}-${server.id}.log`),
  });
}

/** The store-modes rows, or why they were skipped (Redis cannot be reached). */
async function runStoreModes() {
  let redisLine;
  try {
    redisLine = await stores.connect();
  } catch (error) {
    const skipped = `Redis-mode rows skipped: cannot reach Redis at ${stores.url} (${error.message}); set REDIS_URL to include them.`;
    warn(skipped);
    return { skipped };
  }
  say(`  flows, memory vs Redis (${redisLine}) ...`);
  const run = await stores.run({
    root: ROOT,
    serverCore,
    loadCore,
    hz,
    results: RESULTS,
    nodeArgs: SERVER_ARGS,
  });
  return { redisLine, redis: stores.redis, ...run };
}
