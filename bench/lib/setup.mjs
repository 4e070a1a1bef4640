import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { killAllChildren } from './children.mjs';
import { warn } from './out.mjs';
import { clockTicksPerSecond, machineInfo } from './proc.mjs';
import { within } from './stats.mjs';

/**
 * What every bench orchestrator does before its first server: stop its children on exit
 * or on Ctrl-C (then run `onInterrupt`, e.g. to delete what the servers left, bounded to
 * 10 s), refuse to run without a build, pick the cores (server on 0, the generator and the
 * orchestrator itself on 1) and create bench/results/logs.
 */
export function prepareBench({ root, onInterrupt }) {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      killAllChildren();
      const cleanUp = onInterrupt ? within(10_000, onInterrupt(), 'clean-up') : Promise.resolve();
      cleanUp.catch((error) => warn(error.message)).finally(() => process.exit(130));
    });
  }
  process.once('exit', killAllChildren);

  if (!existsSync(join(root, 'dist', 'main.js'))) {
    warn('dist/main.js is missing: run `npm run build` first (the npm scripts do).');
    process.exit(1);
  }

  const machine = machineInfo();
  const [serverCore, loadCore] = machine.nproc >= 2 ? [0, 1] : [undefined, undefined];
  if (serverCore === undefined)
    warn('Only one core: running unpinned, figures are not comparable.');
  // The orchestrator itself stays off the server's core.
  if (loadCore !== undefined)
    execFileSync('taskset', ['-a', '-cp', String(loadCore), String(process.pid)]);
  const results = join(root, 'bench', 'results');
  mkdirSync(join(results, 'logs'), { recursive: true });
  return { machine, serverCore, loadCore, hz: clockTicksPerSecond(), results };
}

/** The machine as the reports' first line names it. */
export function machineLine(machine) {
  return `${machine.nproc} cores, ${machine.cpuModel}, node ${machine.node}`;
}
