import { runGenerator, startServer } from './children.mjs';
import { cpuTicks, rssKb } from './proc.mjs';

/**
 * One scenario on one fresh server: starts `entry` with `flags` pinned to `serverCore`,
 * runs the load generator pinned to `loadCore`, and at every mark samples the server
 * (time, CPU ticks, RSS) and the generator's CPU before letting the generator go on.
 * `sampleMore(server)` may add fields to each sample (e.g. another process's CPU, or the
 * server's own counters: `server` has its `httpPort`); it may return a promise, which
 * the generator waits for. The server is stopped in all cases.
 */
export async function measure({
  root,
  scenario,
  params,
  entry,
  flags,
  nodeArgs = [],
  serverCore,
  loadCore,
  hz,
  logFile,
  sampleMore,
}) {
  const instance = await startServer({
    cwd: root,
    entry,
    core: serverCore,
    nodeArgs,
    flags,
    logFile,
  });
  try {
    const samples = {};
    const result = await runGenerator({
      cwd: root,
      entry: 'bench/load/generator.mjs',
      core: loadCore,
      config: {
        scenario: scenario.id,
        host: '127.0.0.1',
        httpPort: instance.httpPort,
        udpPort: instance.udpPort,
        params,
      },
      onMark: async (name, generatorPid) => {
        samples[name] = {
          t: performance.now(),
          ticks: cpuTicks(instance.pid),
          rssKb: rssKb(instance.pid),
          generatorTicks: cpuTicks(generatorPid),
        };
        if (sampleMore) Object.assign(samples[name], await sampleMore(instance));
      },
      timeoutMs: params.deadlineMs + 10_000,
    });
    return { figures: scenario.figures(result, samples, hz), result, samples };
  } finally {
    await instance.stop();
  }
}
