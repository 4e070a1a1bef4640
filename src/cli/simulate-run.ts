import type { ProgressBar } from './progress-bar.js';
import { ConnectionDrops } from './simulate-drops.js';
import { runLobbyFlow } from './simulate-flow.js';
import { failureReason, type SimulationResult } from './simulate-summary.js';

export interface SimulationOptions {
  url: string;
  lobbies: number;
  members: number;
  concurrency: number;
  flowTimeoutMs: number;
  /** The share of clients whose socket is cut once (0: none), and within how long. */
  dropRate?: number;
  dropWithinMs?: number;
}

/** Without --dropWithinMs, cuts come within the first 2 s of a client's flow. */
const DEFAULT_DROP_WITHIN_MS = 2_000;

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
  const drops = new ConnectionDrops({
    rate: options.dropRate ?? 0,
    withinMs: options.dropWithinMs ?? DEFAULT_DROP_WITHIN_MS,
  });
  const worker = async () => {
    while (next < options.lobbies) {
      const index = ++next;
      try {
        await runLobbyFlow({
          url: options.url,
          index,
          members: options.members,
          timeoutMs: options.flowTimeoutMs,
          drops,
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
    ...(drops.active ? { drops: { ...drops.counts } } : {}),
  };
}
