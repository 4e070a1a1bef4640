import { SCENARIOS } from './scenarios.mjs';

/**
 * The lobby flow scenario as `npm run bench:stores` reads it: the same generator run and
 * the same figures as `npm run bench`, plus the Redis server's share. Redis is a separate
 * process, so the CPU a flow costs is Orion's plus Redis's. Each sample carries
 * `redisTicks` (undefined when Redis's process is not visible), `redisCommands` (what Redis
 * executed, scripts' commands included) and `storeCommands` (what Orion sent).
 */
const FLOWS = SCENARIOS.find((scenario) => scenario.id === 'flows');
const LEVELS = FLOWS.params(false).inFlight;

/** Issue 18's targets for Redis mode: Orion's CPU against memory mode, Redis's work. */
const MAX_CPU_RATIO = 1.4;
/** Commands Orion sends (round trips; a script counts once), not those its scripts run. */
const MAX_ROUND_TRIPS_PER_FLOW = 80;
/** At this many flows in flight, no member should have to re-send its UDP packet. */
const RESEND_FREE_LEVEL = 16;

function redisFigures(level, flows, begin, end, hz) {
  const redisMs = ((end.redisTicks - begin.redisTicks) * 1000) / hz;
  return {
    [`redisCpuMsPerFlow${level}`]: redisMs / flows,
    [`redisCommandsPerFlow${level}`]: (end.redisCommands - begin.redisCommands) / flows,
    [`storeRoundTripsPerFlow${level}`]: (end.storeCommands - begin.storeCommands) / flows,
    [`redisBusyPct${level}`]: (100 * redisMs) / (end.t - begin.t),
  };
}

export const STORE_FLOWS = {
  id: FLOWS.id,
  params: FLOWS.params,
  figures(result, samples, hz) {
    const figures = FLOWS.figures(result, samples, hz);
    for (const level of LEVELS) {
      const { flows } = result.levels[level];
      const begin = samples[`flows${level}:begin`];
      Object.assign(figures, redisFigures(level, flows, begin, samples[`flows${level}:end`], hz));
      figures[`totalCpuMsPerFlow${level}`] =
        figures[`cpuMsPerFlow${level}`] + figures[`redisCpuMsPerFlow${level}`];
    }
    return figures;
  },
  // Ratios only where both modes have a meaningful value: memory mode's Redis figures are
  // near zero (they show what else uses that Redis, plus the bench's own INFO calls).
  // Targets (issue 18) are checked on the Redis column, which report.mjs calls "Orion".
  rows: LEVELS.flatMap((level) => [
    {
      scenario: `lobby flow, ${level} in flight`,
      label: 'flows / s (wall)',
      key: `flowsPerSec${level}`,
      digits: 0,
    },
    {
      label: 'Orion CPU ms / flow',
      key: `cpuMsPerFlow${level}`,
      target: { kind: 'ratio', max: MAX_CPU_RATIO },
    },
    { label: 'Redis CPU ms / flow', key: `redisCpuMsPerFlow${level}`, noRatio: true },
    { label: 'Orion + Redis CPU ms / flow', key: `totalCpuMsPerFlow${level}` },
    { label: 'flow latency p50 ms', key: `p50Ms${level}`, digits: 1 },
    { label: 'flow latency p99 ms', key: `p99Ms${level}`, digits: 1 },
    {
      label: 'Redis round trips / flow (commands Orion sent)',
      key: `storeRoundTripsPerFlow${level}`,
      digits: 0,
      noRatio: true,
      target: { kind: 'orionMax', max: MAX_ROUND_TRIPS_PER_FLOW },
    },
    {
      label: "Redis commands / flow (its scripts' included)",
      key: `redisCommandsPerFlow${level}`,
      digits: 0,
      noRatio: true,
    },
    {
      label: 'UDP packets re-sent',
      key: `udpResends${level}`,
      digits: 0,
      noRatio: true,
      ...(level === RESEND_FREE_LEVEL && { target: { kind: 'orionMax', max: 0 } }),
    },
    { label: 'Orion core busy %', key: `serverBusyPct${level}`, digits: 0, noRatio: true },
    { label: 'Redis busy % (of a core)', key: `redisBusyPct${level}`, digits: 0, noRatio: true },
    { label: 'generator core busy %', key: `generatorBusyPct${level}`, digits: 0, noRatio: true },
  ]),
};
