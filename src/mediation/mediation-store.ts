import type { Mediation } from './mediation.js';

/** Running mediations by lobby id, injected by {@link MEDIATION_STORE}. */
export interface MediationStore {
  /** Adds the mediation unless the lobby already has one; false when it does. */
  insert(mediation: Mediation): Promise<boolean>;
  get(lobbyId: string): Promise<Mediation | undefined>;
  /**
   * Atomically replaces the mediation with `change(current)`. When `change` returns
   * undefined nothing is written and undefined is returned.
   */
  update(
    lobbyId: string,
    change: (current: Mediation) => Mediation | undefined,
  ): Promise<Mediation | undefined>;
  /**
   * Removes the mediation and returns it; with `onlyIf`, only while `onlyIf(current)`
   * holds at the moment of the delete (undefined otherwise).
   */
  delete(lobbyId: string, onlyIf?: (current: Mediation) => boolean): Promise<Mediation | undefined>;
  count(): Promise<number>;
  /** Every running mediation. */
  list(): Promise<Mediation[]>;
}

export const MEDIATION_STORE = Symbol('MEDIATION_STORE');
