import type { ProgressBar } from './progress-bar.js';
import { runLobbyFlow } from './simulate-flow.js';
import { failureReason, type SimulationResult } from './simulate-summary.js';

export interface SimulationOptions {
  url: string;
  lobbies: number;
  members: number;
  concurrency: number;
  flowTimeoutMs: number;
}

/**
 * Runs `lobbies` lobby flows, at most `concurrency` at a time, and collects how each
 * ended. A failed flow never stops the others; every flow is bounded by its timeout.
 */
export async function runSimulation(
  options: SimulationOptions,
  progress: ProgressBar,
): Promise<SimulationResult> {
  const startedAt = Date.now();
  const failureReasons: string[] = [];
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < options.lobbies) {
      const index = ++next;
      try {
        await runLobbyFlow({
          url: options.url,
          index,
          members: options.members,
          timeoutMs: options.flowTimeoutMs,
        });
      } catch (error) {
        failureReasons.push(failureReason(error, options.url));
      }
      done++;
      progress.update(done, failureReasons.length);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, options.lobbies));
  await Promise.all(Array.from({ length: workers }, worker));
  progress.finish(done, failureReasons.length);
  return {
    url: options.url,
    lobbies: options.lobbies,
    membersPerLobby: options.members,
    succeeded: done - failureReasons.length,
    failureReasons,
    durationMs: Date.now() - startedAt,
  };
}
