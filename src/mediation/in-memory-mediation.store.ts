import type { Mediation } from './mediation.js';
import type { MediationStore } from './mediation-store.js';

export class InMemoryMediationStore implements MediationStore {
  private readonly mediations = new Map<string, Mediation>();

  async insert(mediation: Mediation): Promise<boolean> {
    if (this.mediations.has(mediation.lobbyId)) return false;
    this.mediations.set(mediation.lobbyId, mediation);
    return true;
  }

  async get(lobbyId: string): Promise<Mediation | undefined> {
    return this.mediations.get(lobbyId);
  }

  async update(
    lobbyId: string,
    change: (current: Mediation) => Mediation | undefined,
  ): Promise<Mediation | undefined> {
    const current = this.mediations.get(lobbyId);
    if (!current) return undefined;
    const next = change(current);
    if (next) this.mediations.set(lobbyId, next);
    return next;
  }

  async delete(
    lobbyId: string,
    onlyIf?: (current: Mediation) => boolean,
  ): Promise<Mediation | undefined> {
    const mediation = this.mediations.get(lobbyId);
    if (!mediation || (onlyIf && !onlyIf(mediation))) return undefined;
    this.mediations.delete(lobbyId);
    return mediation;
  }

  async count(): Promise<number> {
    return this.mediations.size;
  }

  async list(): Promise<Mediation[]> {
    return [...this.mediations.values()];
  }
}
