/**
 * Where a mediation's timers (its timeouts and UDP reminders) run. In one process: here.
 * With replicas: on the replica holding the host's socket, because if that replica dies
 * the host is gone and the lobby closes anyway, so no timer is left without an owner.
 */
export interface MediationTimerHome {
  /**
   * 'here' when this process runs the timers of the mediation hosted by `hostId`.
   * Otherwise the process that does has been told to re-read the mediation of
   * `lobbyId` and arm or clear its timers to match; the caller does nothing more.
   */
  route(lobbyId: string, hostId: string): Promise<'here' | 'elsewhere'>;
}

export const MEDIATION_TIMER_HOME = Symbol('MEDIATION_TIMER_HOME');

/** One process: every timer runs here. */
export class LocalTimerHome implements MediationTimerHome {
  async route(): Promise<'here'> {
    return 'here';
  }
}
