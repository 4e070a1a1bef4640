import type { Redis } from 'ioredis';
import type { Mediation } from '../mediation/mediation.js';
import type { MediationStore } from '../mediation/mediation-store.js';
import { casUntilSettled } from './compare-and-set.js';
import type { RedisKeys } from './redis-keys.js';
import { RedisScripts } from './redis-scripts.js';

/** Running mediations in Redis, one JSON record per lobby, changed by compare-and-set. */
export class RedisMediationStore implements MediationStore {
  private readonly scripts: RedisScripts;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    this.scripts = new RedisScripts(redis);
  }

  async insert(mediation: Mediation): Promise<boolean> {
    const reply = await this.scripts.run(
      'insertRecord',
      [this.keys.mediation(mediation.lobbyId), this.keys.mediations],
      [mediation.lobbyId, JSON.stringify(mediation)],
    );
    return reply === 1;
  }

  async get(lobbyId: string): Promise<Mediation | undefined> {
    return parse(await this.redis.get(this.keys.mediation(lobbyId)));
  }

  async update(
    lobbyId: string,
    change: (current: Mediation) => Mediation | undefined,
  ): Promise<Mediation | undefined> {
    return casUntilSettled(`mediation ${lobbyId}`, async () => {
      const stored = await this.redis.get(this.keys.mediation(lobbyId));
      if (stored === null) return { done: true, value: undefined };
      const next = change(JSON.parse(stored) as Mediation);
      if (!next) return { done: true, value: undefined };
      const reply = await this.scripts.run(
        'updateRecord',
        [this.keys.mediation(lobbyId)],
        [stored, JSON.stringify(next)],
      );
      if (reply === 'missing') return { done: true, value: undefined };
      return reply === 'ok' ? { done: true, value: next } : { done: false };
    });
  }

  async delete(
    lobbyId: string,
    onlyIf?: (current: Mediation) => boolean,
  ): Promise<Mediation | undefined> {
    if (onlyIf) return this.deleteIf(lobbyId, onlyIf);
    const reply = await this.scripts.run(
      'deleteRecord',
      [this.keys.mediation(lobbyId), this.keys.mediations],
      [lobbyId],
    );
    return parse(reply as string | null);
  }

  private deleteIf(
    lobbyId: string,
    onlyIf: (current: Mediation) => boolean,
  ): Promise<Mediation | undefined> {
    return casUntilSettled(`mediation ${lobbyId}`, async () => {
      const stored = await this.redis.get(this.keys.mediation(lobbyId));
      if (stored === null) return { done: true, value: undefined };
      const current = JSON.parse(stored) as Mediation;
      if (!onlyIf(current)) return { done: true, value: undefined };
      const reply = await this.scripts.run(
        'deleteRecordIf',
        [this.keys.mediation(lobbyId), this.keys.mediations],
        [lobbyId, stored],
      );
      if (reply === 'missing') return { done: true, value: undefined };
      return reply === 'ok' ? { done: true, value: current } : { done: false };
    });
  }

  async count(): Promise<number> {
    return this.redis.scard(this.keys.mediations);
  }

  async list(): Promise<Mediation[]> {
    const ids = await this.redis.smembers(this.keys.mediations);
    if (ids.length === 0) return [];
    const records = await this.redis.mget(ids.map((id) => this.keys.mediation(id)));
    return records.flatMap((json) => (json === null ? [] : [JSON.parse(json) as Mediation]));
  }
}

function parse(json: string | null): Mediation | undefined {
  return json === null ? undefined : (JSON.parse(json) as Mediation);
}
