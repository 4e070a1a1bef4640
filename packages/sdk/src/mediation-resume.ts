import type { ServerMessages } from '@orion/protocol';

/**
 * What `mediate()` makes of coming back from a dropped connection:
 * - `carryOn`: the mediation runs (Orion sends again what was not answered), or has not
 *   started yet;
 * - `succeeded`: the lobby closed while away after this client's success report reached
 *   Orion, which is how a mediation success looks once its message was missed;
 * - `interrupted`: the lobby or the mediation ended while away, without this client;
 * - `awaitOutcome`: the mediation has just ended and the lobby is still locked: its outcome
 *   (`ptpMediation_success`, `ptpMediation_aborted` or `lobby_closed`) is on its way.
 */
export type ResumeVerdict = 'carryOn' | 'succeeded' | 'interrupted' | 'awaitOutcome';

export interface MediationProgress {
  /** This client's success report went out on a live connection. */
  reportDelivered: boolean;
  /** Orion had started this mediation (asked for the UDP packet, or sent the peers). */
  underway: boolean;
}

export function verdictOnResume(
  { lobby, mediation }: ServerMessages['client_resumed'],
  progress: MediationProgress,
): ResumeVerdict {
  if (!lobby) return progress.reportDelivered ? 'succeeded' : 'interrupted';
  if (mediation) return 'carryOn';
  // Ended, and not yet unlocked (an abort) nor closed (a success): the rest is on its way.
  if (lobby.locked) return 'awaitOutcome';
  return progress.underway ? 'interrupted' : 'carryOn';
}
