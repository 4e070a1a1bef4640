import { describe, expect, it } from 'vitest';
import { OrionRequestError, PunchFailedError } from '../sdk/index.js';
import { FlowFailure } from './simulate-flow.js';
import { failureReason, formatSummary, groupReasons } from './simulate-summary.js';

describe('simulate summary', () => {
  it('turns failures into reasons that group across lobbies', () => {
    const punch = (port: number) =>
      new FlowFailure(
        'mediate',
        new PunchFailedError([{ name: 'Host', ip: '127.0.0.1', port }], 500),
      );
    expect(failureReason(punch(4000))).toBe(failureReason(punch(4001)));
    expect(failureReason(punch(4000))).toBe(
      'mediate: PunchFailedError: Hole punching failed: no answer within 500 ms from Host (<address>).',
    );
    const full = (id: string) =>
      new FlowFailure(
        'join',
        new OrionRequestError(409, ['The lobby is full.'], `POST /lobbies/${id}/join`),
      );
    expect(failureReason(full('AAAAA'))).toBe(failureReason(full('BBBBB')));
    expect(failureReason(new FlowFailure('connect', new Error('boom')))).toBe('connect: boom');
  });

  it('groups reasons, the most frequent first', () => {
    expect(groupReasons(['b', 'a', 'b', 'c', 'b', 'a'])).toEqual([
      ['b', 3],
      ['a', 2],
      ['c', 1],
    ]);
  });

  it('prints counts, clients, duration and rate, and the failure reasons', () => {
    const text = formatSummary({
      url: 'http://127.0.0.1:5980',
      lobbies: 4,
      membersPerLobby: 3,
      succeeded: 2,
      failureReasons: ['join: x', 'mediate: y', 'join: x'],
      durationMs: 2_000,
    });
    expect(text.split('\n')).toEqual([
      'Simulated 4 lobbies of 3 clients against http://127.0.0.1:5980',
      '  lobbies succeeded: 2',
      '  lobbies failed:    3',
      '  clients:           12',
      '  duration:          2.00 s',
      '  flows/s:           2.00',
      'Failure reasons:',
      '  2 x join: x',
      '  1 x mediate: y',
      '',
    ]);
  });
});
