import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killAllChildren, runGenerator, startServer } from './lib/children.mjs';
import { say, warn } from './lib/out.mjs';
import { clockTicksPerSecond, cpuTicks, machineInfo, rssKb } from './lib/proc.mjs';
import { buildRows, markdownTable, textTable } from './lib/report.mjs';
import { SCENARIOS } from './scenarios.mjs';

/**
 * `npm run bench` (after `npm run build`): for each scenario, the baseline and then
 * Orion, each a fresh server pinned to core 0 with the load generator pinned to core 1.
 * Prints the table and writes bench/results/latest.json and latest.md.
 * BENCH_QUICK=1 runs smaller counts (under a minute); BENCH_ONLY=flows,udp picks scenarios;
 * BENCH_SERVER_ARGS="--cpu-prof --cpu-prof-dir=bench/results/profiles" passes node options
 * to both servers.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = join(ROOT, 'bench', 'results');
const QUICK = process.env.BENCH_QUICK === '1';
const ONLY = process.env.BENCH_ONLY?.split(',').filter(Boolean);
const SERVER_ARGS = process.env.BENCH_SERVER_ARGS?.split(' ').filter(Boolean) ?? [];
// All load comes from 127.0.0.1 and far above one player's pace, so Orion's abuse limits
// are raised out of the way; their bookkeeping still runs and counts as Orion's cost.
const ORION_LOAD_FLAGS = [
  '--maxClients=1000000',
  '--maxConnectionsPerIp=1000000',
  '--chatRatePerSecond=1000000',
  '--chatBurst=1000000',
  '--httpRateLimit=0',
  '--joinMissLimit=0',
];
const SERVERS = [
  { id: 'baseline', entry: 'bench/baseline/server.mjs', flags: [] },
  { id: 'orion', entry: 'dist/main.js', flags: ORION_LOAD_FLAGS },
];
// Reminders and timeouts far beyond any scenario, so that timers add no noise.
const TIMER_FLAGS = [
  '--ptpmConnectRequestIntervalMs',
  '60000',
  '--ptpmServerConnectTimeoutMs',
  '600000',
  '--ptpmConnectTimeoutMs',
  '600000',
];

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killAllChildren();
    process.exit(130);
  });
}
process.once('exit', killAllChildren);

if (!existsSync(join(ROOT, 'dist', 'main.js'))) {
  warn('dist/main.js is missing: run `npm run build` first (npm run bench does).');
  process.exit(1);
}

const machine = machineInfo();
const [serverCore, loadCore] = machine.nproc >= 2 ? [0, 1] : [undefined, undefined];
if (serverCore === undefined) warn('Only one core: running unpinned, figures are not comparable.');
// The orchestrator itself stays off the server's core.
if (loadCore !== undefined)
  execFileSync('taskset', ['-a', '-cp', String(loadCore), String(process.pid)]);
const hz = clockTicksPerSecond();
mkdirSync(join(RESULTS, 'logs'), { recursive: true });

const scenarios = SCENARIOS.filter((scenario) => !ONLY || ONLY.includes(scenario.id));
say(
  `Orion benchmark${QUICK ? ' (quick)' : ''}: ${machine.nproc} cores, ${machine.cpuModel}, node ${machine.node}`,
);
const started = Date.now();
const runs = {};
for (const scenario of scenarios) {
  runs[scenario.id] = {};
  for (const server of SERVERS) {
    say(`  ${scenario.id} on ${server.id} ...`);
    const run = await measure(scenario, server).catch((error) => ({ error: error.message }));
    if (run.error) warn(`  ${scenario.id} on ${server.id} failed: ${run.error}`);
    runs[scenario.id][server.id] = run;
  }
}

const rows = buildRows(scenarios, runs);
const table = textTable(rows);
say('');
say(table);
say('');
say(`Ran in ${Math.round((Date.now() - started) / 1000)} s.`);
const report = {
  date: new Date().toISOString(),
  quick: QUICK,
  machine: { ...machine, clockTicksPerSecond: hz, serverCore, loadCore },
  timerFlags: TIMER_FLAGS,
  orionLoadFlags: ORION_LOAD_FLAGS,
  serverNodeArgs: SERVER_ARGS,
  scenarios: Object.fromEntries(scenarios.map((s) => [s.id, { params: s.params(QUICK) }])),
  runs,
  rows,
};
writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
const machineLine = `${machine.nproc} cores, ${machine.cpuModel}, node ${machine.node}`;
writeFileSync(
  join(RESULTS, 'latest.md'),
  `Run ${report.date}${QUICK ? ' (quick)' : ''} on ${machineLine}.\n\n${markdownTable(rows)}\n`,
);
say(`Wrote bench/results/latest.json and latest.md.`);
process.exitCode = Object.values(runs).some((r) => r.baseline?.error || r.orion?.error) ? 1 : 0;

/** One scenario on one server: fresh server, generator, samples at every mark. */
async function measure(scenario, server) {
  const params = scenario.params(QUICK);
  const instance = await startServer({
    cwd: ROOT,
    entry: server.entry,
    core: serverCore,
    nodeArgs: SERVER_ARGS,
    flags: [...TIMER_FLAGS, ...server.flags],
    logFile: join(RESULTS, 'logs', `${scenario.id}-${server.id}.log`),
  });
  try {
    const samples = {};
    const result = await runGenerator({
      cwd: ROOT,
      entry: 'bench/load/generator.mjs',
      core: loadCore,
      config: {
        scenario: scenario.id,
        host: '127.0.0.1',
        httpPort: instance.httpPort,
        udpPort: instance.udpPort,
        params,
      },
      onMark: (name, generatorPid) => {
        samples[name] = {
          t: performance.now(),
          ticks: cpuTicks(instance.pid),
          rssKb: rssKb(instance.pid),
          generatorTicks: cpuTicks(generatorPid),
        };
      },
      timeoutMs: params.deadlineMs + 10_000,
    });
    return { figures: scenario.figures(result, samples, hz), result, samples };
  } finally {
    await instance.stop();
  }
}
