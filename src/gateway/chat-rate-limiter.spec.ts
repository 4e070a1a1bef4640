import { describe, expect, it } from 'vitest';
import { buildConfig } from '../config/settings.js';
import { ChatRateLimiter } from './chat-rate-limiter.js';

const limiter = (chatBurst: number, chatRatePerSecond: number) =>
  new ChatRateLimiter(buildConfig({ chatBurst, chatRatePerSecond }));

/** How many of `count` chats sent at the instant `now` get through. */
const takeMany = (chat: ChatRateLimiter, clientId: string, count: number, now: number) =>
  Array.from({ length: count }, () => chat.tryTake(clientId, now)).filter(Boolean).length;

describe('ChatRateLimiter', () => {
  it('lets a burst of chatBurst through at once and drops the next one', () => {
    const chat = limiter(3, 2);
    expect(takeMany(chat, 'ann', 3, 0)).toBe(3);
    expect(chat.tryTake('ann', 0)).toBe(false);
  });

  it('refills one token every 1/rate seconds, and not before', () => {
    const chat = limiter(3, 2);
    takeMany(chat, 'ann', 3, 0);
    expect(chat.tryTake('ann', 499)).toBe(false);
    // 499 ms earned 0.998 of a token; one more ms completes it.
    expect(chat.tryTake('ann', 500)).toBe(true);
    expect(chat.tryTake('ann', 500)).toBe(false);
    expect(takeMany(chat, 'ann', 3, 1_500)).toBe(2);
  });

  it('never holds more than chatBurst tokens, however long the client was quiet', () => {
    const chat = limiter(3, 2);
    chat.tryTake('ann', 0);
    expect(takeMany(chat, 'ann', 10, 60_000)).toBe(3);
  });

  it('keeps one bucket per client', () => {
    const chat = limiter(2, 1);
    expect(takeMany(chat, 'ann', 5, 0)).toBe(2);
    expect(takeMany(chat, 'bob', 5, 0)).toBe(2);
    expect(chat.size).toBe(2);
  });

  it('forgets a client: its bucket is gone, and a later client of that id starts full', () => {
    const chat = limiter(2, 1);
    takeMany(chat, 'ann', 2, 0);
    takeMany(chat, 'bob', 1, 0);
    chat.forget('ann');
    expect(chat.size).toBe(1);
    expect(takeMany(chat, 'ann', 5, 0)).toBe(2);
  });

  it('does not refill when the clock reads earlier than the last refill', () => {
    const chat = limiter(2, 1);
    takeMany(chat, 'ann', 2, 10_000);
    expect(chat.tryTake('ann', 0)).toBe(false);
  });
});
