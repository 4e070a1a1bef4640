import {
  everyoneConnected,
  recordConnected,
  recordEndpoint,
  type Endpoint,
  type Mediation,
  type MediationPhase,
} from './mediation.js';
import type { MediationChange, MediationStore, MemberLobbies } from './mediation-store.js';

export class InMemoryMediationStore implements MediationStore {
  private readonly mediations = new Map<string, Mediation>();

  constructor(private readonly lobbies: MemberLobbies) {}

  async insert(mediation: Mediation): Promise<boolean> {
    if (this.mediations.has(mediation.lobbyId)) return false;
    this.mediations.set(mediation.lobbyId, mediation);
    return true;
  }

  async get(lobbyId: string): Promise<Mediation | undefined> {
    return this.mediations.get(lobbyId);
  }

  async recordEndpoint(
    clientId: string,
    endpoint: Endpoint,
    now: number,
  ): Promise<MediationChange> {
    const lobbyId = await this.lobbies.lobbyIdOf(clientId);
    return this.change(
      lobbyId,
      (current) => recordEndpoint(current, clientId, endpoint, now),
      (next) => next.phase === 'connecting',
    );
  }

  async recordConnected(clientId: string): Promise<MediationChange> {
    const lobbyId = await this.lobbies.lobbyIdOf(clientId);
    return this.change(lobbyId, (current) => recordConnected(current, clientId), everyoneConnected);
  }

  async delete(lobbyId: string, inPhase?: MediationPhase): Promise<Mediation | undefined> {
    const mediation = this.mediations.get(lobbyId);
    if (!mediation || (inPhase && mediation.phase !== inPhase)) return undefined;
    this.mediations.delete(lobbyId);
    return mediation;
  }

  async count(): Promise<number> {
    return this.mediations.size;
  }

  async list(): Promise<Mediation[]> {
    return [...this.mediations.values()];
  }

  private change(
    lobbyId: string | undefined,
    rule: (current: Mediation) => Mediation | undefined,
    completes: (next: Mediation) => boolean,
  ): MediationChange {
    const current = lobbyId === undefined ? undefined : this.mediations.get(lobbyId);
    if (!current) return { outcome: 'missing' };
    const next = rule(current);
    if (!next) return { outcome: 'unchanged' };
    this.mediations.set(current.lobbyId, next);
    const changed = { outcome: 'changed' as const, lobbyId: current.lobbyId };
    return completes(next) ? { ...changed, completed: next } : changed;
  }
}
