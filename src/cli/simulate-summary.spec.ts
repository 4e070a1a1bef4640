import { describe, expect, it } from 'vitest';
import { OrionRequestError, PunchFailedError } from '@orion/sdk';
import { FlowFailure, networkErrorCode } from './simulate-flow.js';
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

  it("keeps the server's own address, which is the same for every lobby", () => {
    const refused = new FlowFailure(
      'connect',
      new Error('could not connect to http://127.0.0.1:1: ECONNREFUSED'),
    );
    expect(failureReason(refused, 'http://127.0.0.1:1')).toBe(
      'connect: could not connect to http://127.0.0.1:1: ECONNREFUSED',
    );
    const v6 = new FlowFailure('connect', new Error('connect ECONNREFUSED [::1]:5980'));
    expect(failureReason(v6, 'http://[::1]:5980')).toBe('connect: connect ECONNREFUSED [::1]:5980');
    // Any other address still varies from lobby to lobby.
    const peer = new FlowFailure('mediate', new Error('no answer from 10.0.0.7:4000'));
    expect(failureReason(peer, 'http://127.0.0.1:5980')).toBe('mediate: no answer from <address>');
  });

  it('finds the socket error code behind a wrapped connection error', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
    });
    const wrapped = new Error('Could not open a WebSocket to ws://127.0.0.1:1/', {
      cause: refused,
    });
    expect(networkErrorCode(wrapped)).toBe('ECONNREFUSED');
    expect(networkErrorCode(new Error('Opening handshake has timed out'))).toBeUndefined();
  });

  it('counts only succeeded lobbies in flows/s: a dead server makes 0.00, not a fast rate', () => {
    const text = formatSummary({
      url: 'http://127.0.0.1:1',
      lobbies: 10,
      membersPerLobby: 2,
      succeeded: 0,
      failureReasons: Array<string>(10).fill('connect: x'),
      durationMs: 90,
    });
    expect(text).toContain('  flows/s:           0.00\n');
  });

  it('reports cut sockets and resumed clients only when the run cut any', () => {
    const result = {
      url: 'http://127.0.0.1:1',
      lobbies: 2,
      membersPerLobby: 4,
      succeeded: 2,
      failureReasons: [],
      durationMs: 1_000,
    };
    expect(formatSummary(result)).not.toContain('sockets cut');
    const text = formatSummary({ ...result, drops: { dropped: 5, resumed: 4 } });
    expect(text).toContain('  sockets cut:       5\n  clients resumed:   4\n');
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
      '  flows/s:           1.00',
      'Failure reasons:',
      '  2 x join: x',
      '  1 x mediate: y',
      '',
    ]);
  });
});
