/**
 * When hole-punching hellos go out. The first goes at once; then the gap doubles from
 * `firstGapMs` up to `maxGapMs`: quick retries while NAT mappings are being created,
 * then a steady pace that does not flood a path which is simply not there.
 */
export interface PunchSchedule {
  firstGapMs: number;
  maxGapMs: number;
}

export const DEFAULT_PUNCH_SCHEDULE: PunchSchedule = { firstGapMs: 50, maxGapMs: 500 };

/** The wait before send number `attempt` (0-based): 0, 50, 100, 200, 400, 500, 500, ... */
export function punchDelayMs(attempt: number, schedule = DEFAULT_PUNCH_SCHEDULE): number {
  if (attempt <= 0) return 0;
  // Capping the exponent first keeps 2 ** n finite for any attempt count.
  const doublings = Math.min(attempt - 1, 30);
  // At least 1 ms, so that a zero schedule cannot turn into a busy loop.
  return Math.max(1, Math.min(schedule.firstGapMs * 2 ** doublings, schedule.maxGapMs));
}

/** The times (ms after the start) of every send that falls before `timeoutMs`. */
export function punchSendTimes(timeoutMs: number, schedule = DEFAULT_PUNCH_SCHEDULE): number[] {
  const times: number[] = [];
  for (let attempt = 0, at = 0; at < timeoutMs; at += punchDelayMs(++attempt, schedule)) {
    times.push(at);
  }
  return times;
}
