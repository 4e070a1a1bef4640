import { describe, expect, it } from 'vitest';
import { buildConfig } from '../config/settings.js';
import { RecentChat, RECENT_CHAT_LIMIT } from './recent-chat.js';

const chat = (message: string) => ({
  lobbyId: 'ABCDE',
  message: { timestamp: 1, senderName: 'Ann', message },
});
const texts = (payloads: readonly ReturnType<typeof chat>[]) =>
  payloads.map((payload) => payload.message.message);

function withHistory(
  count: number,
  recentChat = new RecentChat(buildConfig({ reconnectGraceMs: 1_000 })),
) {
  for (let i = 1; i <= count; i++) recentChat.record('bob', chat(`m${i}`), true);
  return recentChat;
}

describe('RecentChat', () => {
  it('replays what the client says it has not received, as far as kept', () => {
    const recentChat = withHistory(5);
    expect(texts(recentChat.unseen('bob', 3))).toEqual(['m4', 'm5']);
    expect(recentChat.unseen('bob', 5)).toEqual([]);
    // A count beyond what was sent replays nothing.
    expect(recentChat.unseen('bob', 9)).toEqual([]);
    const long = withHistory(RECENT_CHAT_LIMIT + 5);
    expect(texts(long.unseen('bob', 0))).toHaveLength(RECENT_CHAT_LIMIT);
    expect(texts(long.unseen('bob', 0))[0]).toBe('m6');
  });

  it('without a count, replays what was sent while the client was away', () => {
    const recentChat = withHistory(3);
    recentChat.markAway('bob');
    recentChat.record('bob', chat('while away'), false);
    expect(texts(recentChat.unseen('bob'))).toEqual(['while away']);
    // Back: a later resume without a count replays nothing until it is away again.
    expect(recentChat.unseen('bob')).toEqual([]);
  });

  it('keeps nothing for a client neither attached here nor away from here, nor with reconnection off', () => {
    const recentChat = new RecentChat(buildConfig({ reconnectGraceMs: 1_000 }));
    recentChat.record('stranger', chat('hi'), false);
    expect(recentChat.size).toBe(0);
    const off = new RecentChat(buildConfig());
    off.record('bob', chat('hi'), true);
    off.markAway('bob');
    expect(off.size).toBe(0);
  });

  it('hands a history to another process, which counts on from it', () => {
    const here = withHistory(4);
    here.markAway('bob');
    here.record('bob', chat('m5'), false);
    const moved = here.export('bob')!;
    expect(here.has('bob')).toBe(false);

    const there = new RecentChat(buildConfig({ reconnectGraceMs: 1_000 }));
    // Sent to the client there before the history arrived: delivered there, not replayed.
    there.record('bob', chat('m6'), true);
    expect(texts(there.adopt('bob', moved, 2))).toEqual(['m3', 'm4', 'm5']);
    expect(texts(there.unseen('bob', 5))).toEqual(['m6']);
    expect(texts(there.adopt('carl', { entries: [chat('x')], total: 1, awayFrom: 0 }))).toEqual([
      'x',
    ]);
  });
});
