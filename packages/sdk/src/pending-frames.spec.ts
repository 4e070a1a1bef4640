import { describe, expect, it } from 'vitest';
import type { ServerMessages } from '@orion/protocol';
import { CHAT_KEPT_WHILE_AWAY, PendingFrames, stillWanted } from './pending-frames.js';

const chat = (message: string, lobbyId = 'K7Q2Z') => ({
  method: 'lobby_messaging_send',
  payload: { token: 't', lobbyId, message },
});
const success = { method: 'ptpMediation_peersConnection_success', payload: { token: 't' } };

describe('frames kept while away', () => {
  it('come out oldest first, once', () => {
    const pending = new PendingFrames();
    pending.push(chat('one'));
    pending.push(success);
    pending.push(chat('two'));
    expect(pending.takeAll()).toEqual([chat('one'), success, chat('two')]);
    expect(pending.takeAll()).toEqual([]);
  });

  it('are bounded per kind: a full kind throws a clear error, others still fit', () => {
    const pending = new PendingFrames();
    for (let i = 0; i < CHAT_KEPT_WHILE_AWAY; i++) pending.push(chat(`line ${i}`));
    expect(() => pending.push(chat('one too many'))).toThrow(
      /Cannot send lobby_messaging_send: the connection to Orion is down, and 20 are already waiting/,
    );
    pending.push(success);
    expect(pending.takeAll()).toHaveLength(CHAT_KEPT_WHILE_AWAY + 1);
  });

  it('are sent once back only where they still make sense', () => {
    const back = (over: Partial<ServerMessages['client_resumed']>) => ({
      lobby: { lobbyId: 'K7Q2Z', lobbyName: 'F', host: 'Ann', members: ['Ann'], locked: true },
      mediation: { phase: 'connecting' as const },
      missedChat: 0,
      ...over,
    });
    expect(stillWanted(chat('hi'), back({}))).toBe(true);
    expect(stillWanted(chat('hi', 'OTHER'), back({}))).toBe(false);
    expect(stillWanted(chat('hi'), back({ lobby: null }))).toBe(false);
    expect(stillWanted(success, back({}))).toBe(true);
    expect(stillWanted(success, back({ mediation: null }))).toBe(false);
  });
});
