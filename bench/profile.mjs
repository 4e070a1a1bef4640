import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure } from './lib/measure.mjs';
import { ORION_LOAD_FLAGS, TIMER_FLAGS } from './lib/orion-flags.mjs';
import { say, warn } from './lib/out.mjs';
import { readProfile } from './lib/profile-parts.mjs';
import { machineLine, prepareBench } from './lib/setup.mjs';
import { SCENARIOS } from './scenarios.mjs';

/**
 * `npm run bench:profile` (after `npm run build`): where a server's CPU goes, part by part.
 * Runs one scenario of `npm run bench` (BENCH_PROFILE=http, the default, flows or udp) on its
 * reference server (the framework floor for http, the baseline otherwise) and on Orion, each
 * under `--cpu-prof`, and charges every sample taken inside a measured window to a part of the
 * server (bench/lib/profile-parts.mjs): logging, validation, Nest, Express, Node... Prints CPU
 * µs per unit of work for each part, side by side, and writes bench/results/profile-latest.md.
 * A profiler slows a server down by some percent; the shares, not the totals, are the point.
 * BENCH_QUICK=1 runs the quick counts.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const QUICK = process.env.BENCH_QUICK === '1';
const WHICH = process.env.BENCH_PROFILE || 'http';

/** Each scenario's measured windows: their marks, and the units of work done in each. */
const WINDOWS = {
  http: (result) =>
    ['list', 'create', 'join'].map((id) => ({
      title: { list: 'GET /lobbies', create: 'POST /lobbies', join: 'POST /lobbies/:id/join' }[id],
      begin: `${id}:begin`,
      end: `${id}:end`,
      units: result.routes[id].requests,
      unit: 'request',
    })),
  flows: (result) =>
    Object.keys(result.levels).map((level) => ({
      title: `lobby flow, ${level} in flight`,
      begin: `flows${level}:begin`,
      end: `flows${level}:end`,
      units: result.levels[level].flows,
      unit: 'flow',
    })),
  udp: (result) => [
    {
      title: 'UDP capture',
      begin: 'udp:begin',
      end: 'udp:end',
      units: result.handled,
      unit: 'datagram',
    },
  ],
};

if (!WINDOWS[WHICH]) {
  warn(`BENCH_PROFILE must be one of ${Object.keys(WINDOWS).join(', ')}.`);
  process.exit(1);
}
const scenario = SCENARIOS.find(({ id }) => id === WHICH);
const reference =
  WHICH === 'http'
    ? { id: 'floor', entry: 'bench/floor/server.mjs', flags: [] }
    : { id: 'baseline', entry: 'bench/baseline/server.mjs', flags: [] };
const servers = [reference, { id: 'orion', entry: 'dist/main.js', flags: ORION_LOAD_FLAGS }];

const { machine, serverCore, loadCore, hz, results } = prepareBench({ root: ROOT });
say(`Orion CPU profile by part, ${WHICH}${QUICK ? ' (quick)' : ''}: ${machineLine(machine)}`);
const charged = {};
let windows;
for (const server of servers) {
  say(`  ${WHICH} on ${server.id} under --cpu-prof ...`);
  const dir = join(results, 'profiles', `${WHICH}-${server.id}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const run = await measure({
    root: ROOT,
    scenario,
    params: scenario.params(QUICK),
    entry: server.entry,
    flags: [...TIMER_FLAGS, ...server.flags],
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
    serverCore,
    loadCore,
    hz,
    logFile: join(results, 'logs', `profile-${WHICH}-${server.id}.log`),
    // The monotonic clock, which the profile's timestamps also use.
    sampleMore: () => ({ monotonicUs: Number(process.hrtime.bigint() / 1000n) }),
  });
  const [file] = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`${server.id} wrote no profile to ${dir}`);
  const charge = readProfile(join(dir, file), `${ROOT}/`);
  windows = WINDOWS[WHICH](run.result);
  charged[server.id] = windows.map((window) => {
    const parts = charge(
      run.samples[window.begin].monotonicUs,
      run.samples[window.end].monotonicUs,
    );
    return Object.fromEntries(Object.entries(parts).map(([part, us]) => [part, us / window.units]));
  });
}

const lines = [];
windows.forEach((window, index) => {
  const [left, right] = servers.map(({ id }) => charged[id][index]);
  const parts = Object.keys({ ...left, ...right })
    .filter((part) => part !== 'total')
    .sort((a, b) => (right[b] ?? 0) - (right[a] ?? 0));
  const rows = [
    ...parts.map((part) => [part, left[part] ?? 0, right[part] ?? 0]),
    ['all of the above', left.total, right.total],
  ];
  lines.push(
    '',
    `${window.title}: CPU µs per ${window.unit}`,
    '',
    `| Part | ${reference.id} | Orion | Orion - ${reference.id} |`,
    '|---|---:|---:|---:|',
    ...rows.map(
      ([part, a, b]) => `| ${part} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(b - a).toFixed(1)} |`,
    ),
  );
});
say(lines.join('\n'));
writeFileSync(
  join(results, 'profile-latest.md'),
  `Profile of ${WHICH}${QUICK ? ' (quick)' : ''}, ${new Date().toISOString()}, on ${machineLine(machine)}.\n${lines.join('\n')}\n`,
);
say('');
say('Wrote bench/results/profile-latest.md; the profiles are in bench/results/profiles/.');
