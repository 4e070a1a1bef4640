import { describe, expect, it } from 'vitest';
import { DEFAULT_PUNCH_SCHEDULE, punchDelayMs, punchSendTimes } from './punch-schedule.js';

describe('punch schedule', () => {
  it('sends at once, then doubles the gap from 50 ms and caps it at 500 ms', () => {
    const delays = Array.from({ length: 9 }, (_, attempt) => punchDelayMs(attempt));
    expect(delays).toEqual([0, 50, 100, 200, 400, 500, 500, 500, 500]);
  });

  it('stays capped however many attempts were made', () => {
    expect(punchDelayMs(10_000)).toBe(DEFAULT_PUNCH_SCHEDULE.maxGapMs);
  });

  it('lists the send times that fall before the timeout', () => {
    expect(punchSendTimes(1_000)).toEqual([0, 50, 150, 350, 750]);
    expect(punchSendTimes(2_000)).toEqual([0, 50, 150, 350, 750, 1_250, 1_750]);
    expect(punchSendTimes(1)).toEqual([0]);
  });

  it('follows a custom schedule, and never a zero gap', () => {
    expect(punchSendTimes(100, { firstGapMs: 10, maxGapMs: 30 })).toEqual([0, 10, 30, 60, 90]);
    expect(punchDelayMs(3, { firstGapMs: 0, maxGapMs: 0 })).toBe(1);
  });
});
