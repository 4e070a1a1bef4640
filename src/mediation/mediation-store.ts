import type { LobbyStore } from '../lobbies/lobby-store.js';
import type { Endpoint, Mediation, MediationPhase } from './mediation.js';

/**
 * What an atomic step of one mediation came to: `changed` in lobby `lobbyId`, with the
 * mediation as written in `completed` only when this step completed its set (the last
 * endpoint heard, or the last member connected); `unchanged` when the rule of
 * {@link MediationStore.recordEndpoint} or {@link MediationStore.recordConnected} says the
 * report changes nothing; `missing` when there is no mediation to record it in. The
 * record is handed back only when it is needed: most reports just add to it.
 */
export type MediationChange =
  | { outcome: 'changed'; lobbyId: string; completed?: Mediation }
  | { outcome: 'unchanged' }
  | { outcome: 'missing' };

/**
 * Running mediations by lobby id, injected by {@link MEDIATION_STORE}. Every change is one
 * atomic operation, so that the eight packets or reports of a lobby arriving at once on
 * several replicas neither lose an update nor retry one another.
 */
export interface MediationStore {
  /** Adds the mediation unless the lobby already has one; false when it does. */
  insert(mediation: Mediation): Promise<boolean>;
  get(lobbyId: string): Promise<Mediation | undefined>;
  /**
   * Records the public endpoint of `clientId` in the mediation of the lobby it is a member
   * of, as {@link import('./mediation.js').recordEndpoint} says (the one that completes the
   * set moves the mediation to `connecting` at `now`). `missing` when the client is in no
   * lobby or its lobby has no mediation. Finding the lobby is part of the same step.
   */
  recordEndpoint(clientId: string, endpoint: Endpoint, now: number): Promise<MediationChange>;
  /**
   * Records the success report of `clientId` in the mediation of its lobby, as
   * {@link import('./mediation.js').recordConnected} says; `missing` as above.
   */
  recordConnected(clientId: string): Promise<MediationChange>;
  /**
   * Removes the mediation and returns it; with `inPhase`, only while it is in that phase
   * at the moment of the delete (undefined otherwise).
   */
  delete(lobbyId: string, inPhase?: MediationPhase): Promise<Mediation | undefined>;
  count(): Promise<number>;
  /** Every running mediation. */
  list(): Promise<Mediation[]>;
}

export const MEDIATION_STORE = Symbol('MEDIATION_STORE');

/** Where a store in memory finds the lobby a member is in. */
export type MemberLobbies = Pick<LobbyStore, 'lobbyIdOf'>;
