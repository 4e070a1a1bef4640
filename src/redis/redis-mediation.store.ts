import type { Redis } from 'ioredis';
import type { Endpoint, Mediation, MediationPhase } from '../mediation/mediation.js';
import type { MediationChange, MediationStore } from '../mediation/mediation-store.js';
import { MEDIATION_SCRIPTS } from './mediation-scripts.js';
import type { RedisKeys } from './redis-keys.js';
import { RedisScripts, type ScriptReply } from './redis-scripts.js';

/**
 * Running mediations in Redis: one hash, lobby id to the record as JSON. Each change is one
 * script (one round trip, atomic), so members reporting together never retry; a member's
 * report finds its lobby in the same script, from the lobby store's member entries.
 */
export class RedisMediationStore implements MediationStore {
  private readonly scripts: RedisScripts<keyof typeof MEDIATION_SCRIPTS>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    this.scripts = new RedisScripts(redis, MEDIATION_SCRIPTS);
  }

  async insert(mediation: Mediation): Promise<boolean> {
    const added = await this.redis.hsetnx(
      this.keys.mediations,
      mediation.lobbyId,
      JSON.stringify(mediation),
    );
    return added === 1;
  }

  async get(lobbyId: string): Promise<Mediation | undefined> {
    return parse(await this.redis.hget(this.keys.mediations, lobbyId));
  }

  async recordEndpoint(
    clientId: string,
    endpoint: Endpoint,
    now: number,
  ): Promise<MediationChange> {
    const reply = await this.scripts.run(
      'mediationRecordEndpoint',
      [this.keys.lobbies, this.keys.mediations],
      [clientId, JSON.stringify(endpoint), now],
    );
    return asChange(reply);
  }

  async recordConnected(clientId: string): Promise<MediationChange> {
    const reply = await this.scripts.run(
      'mediationRecordConnected',
      [this.keys.lobbies, this.keys.mediations],
      [clientId],
    );
    return asChange(reply);
  }

  async delete(lobbyId: string, inPhase?: MediationPhase): Promise<Mediation | undefined> {
    const reply = await this.scripts.run(
      'mediationDelete',
      [this.keys.mediations],
      [lobbyId, inPhase ?? ''],
    );
    return parse(reply as string | null);
  }

  async count(): Promise<number> {
    return this.redis.hlen(this.keys.mediations);
  }

  async list(): Promise<Mediation[]> {
    const records = await this.redis.hvals(this.keys.mediations);
    return records.map((json) => parse(json)!);
  }
}

function asChange(reply: ScriptReply): MediationChange {
  const [outcome, lobbyId, json] = reply as [MediationChange['outcome'], string?, string?];
  if (outcome !== 'changed') return { outcome };
  return json === undefined
    ? { outcome, lobbyId: lobbyId! }
    : { outcome, lobbyId: lobbyId!, completed: parse(json) };
}

/** The record as stored; a list Lua wrote back empty reads as `{}`, so it is restored. */
function parse(json: string | null | undefined): Mediation | undefined {
  if (json === null || json === undefined) return undefined;
  const mediation = JSON.parse(json) as Mediation;
  if (!Array.isArray(mediation.connected)) mediation.connected = [];
  return mediation;
}
