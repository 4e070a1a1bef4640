import { describe, expect, it } from 'vitest';
import type { ServerMessages } from '@orion/protocol';
import { verdictOnResume } from './mediation-resume.js';

type Summary = ServerMessages['client_resumed'];
const lobby = (locked: boolean): Summary['lobby'] => ({
  lobbyId: 'K7Q2Z',
  lobbyName: 'Friday',
  host: 'Ann',
  members: ['Ann', 'Bob'],
  locked,
});
const summary = (over: Partial<Summary>): Summary => ({
  lobby: lobby(true),
  mediation: { phase: 'connecting' },
  missedChat: 0,
  ...over,
});

describe('what mediate() makes of coming back', () => {
  const delivered = { reportDelivered: true, underway: true };
  const undelivered = { reportDelivered: false, underway: true };

  it('carries on while the mediation runs, whatever it had done', () => {
    for (const phase of ['collecting', 'connecting'] as const) {
      expect(verdictOnResume(summary({ mediation: { phase } }), undelivered)).toBe('carryOn');
      expect(verdictOnResume(summary({ mediation: { phase } }), delivered)).toBe('carryOn');
    }
  });

  it('takes a lobby gone after its report reached Orion for the success it missed', () => {
    const gone = summary({ lobby: null, mediation: null });
    expect(verdictOnResume(gone, delivered)).toBe('succeeded');
    expect(verdictOnResume(gone, undelivered)).toBe('interrupted');
  });

  it('waits for the outcome of a mediation that has just ended, its lobby still locked', () => {
    expect(verdictOnResume(summary({ mediation: null }), delivered)).toBe('awaitOutcome');
  });

  it('is interrupted by a mediation that ended while away, but waits for one not started yet', () => {
    const unlocked = summary({ lobby: lobby(false), mediation: null });
    expect(verdictOnResume(unlocked, undelivered)).toBe('interrupted');
    expect(verdictOnResume(unlocked, { reportDelivered: false, underway: false })).toBe('carryOn');
  });
});
