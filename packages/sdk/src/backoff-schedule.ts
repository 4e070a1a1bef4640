/** How long to wait between reconnection attempts. */
export interface BackoffSchedule {
  initialDelayMs: number;
  maxDelayMs: number;
}

/**
 * The wait before attempt `attempt` (0 is the first): exactly `initialDelayMs` for the
 * first, then a window that doubles each time up to `maxDelayMs`, the wait drawn at random
 * from its upper half (never below `initialDelayMs`), so that clients cut off together do
 * not all come back in the same instant.
 */
export function backoffDelayMs(
  attempt: number,
  schedule: BackoffSchedule,
  random: () => number = Math.random,
): number {
  const { initialDelayMs, maxDelayMs } = schedule;
  // 2 ** 60 and beyond only overflow towards Infinity, which the cap takes care of.
  const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt, 60));
  const floor = Math.min(ceiling, Math.max(initialDelayMs, ceiling / 2));
  return Math.round(floor + random() * (ceiling - floor));
}
