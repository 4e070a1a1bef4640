import type { Redis } from 'ioredis';
import type { Lobby } from '../lobbies/lobby.js';
import { MemberInAnotherLobby, type LobbyStore } from '../lobbies/lobby-store.js';
import { casUntilSettled } from './compare-and-set.js';
import type { RedisKeys } from './redis-keys.js';
import { RedisScripts } from './redis-scripts.js';

/**
 * Lobbies in Redis: each record as JSON, a member key per client pointing at its lobby,
 * the set of all lobby ids and the public ones by creation time. Every write that
 * touches more than one key is a script, and `update` is compare-and-set.
 */
export class RedisLobbyStore implements LobbyStore {
  private readonly scripts: RedisScripts;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    this.scripts = new RedisScripts(redis);
  }

  async insert(lobby: Lobby): Promise<boolean> {
    const reply = await this.scripts.run(
      'insertLobby',
      [this.keys.lobby(lobby.id), this.keys.lobbies, this.keys.publicLobbies],
      [
        this.keys.prefix,
        lobby.id,
        JSON.stringify(lobby),
        lobby.isPublic ? '1' : '0',
        lobby.createdAt,
        ...lobby.members.map((member) => member.clientId),
      ],
    );
    const [outcome, clientId] = reply as string[];
    if (outcome === 'member') throw new MemberInAnotherLobby(clientId);
    return outcome === 'ok';
  }

  async get(id: string): Promise<Lobby | undefined> {
    return parse(await this.redis.get(this.keys.lobby(id)));
  }

  async findByMember(clientId: string): Promise<Lobby | undefined> {
    const lobbyId = await this.lobbyIdOf(clientId);
    return lobbyId === undefined ? undefined : this.get(lobbyId);
  }

  async lobbyIdOf(clientId: string): Promise<string | undefined> {
    return (await this.redis.get(this.keys.member(clientId))) ?? undefined;
  }

  async list(): Promise<Lobby[]> {
    return this.many(await this.redis.smembers(this.keys.lobbies));
  }

  async listPublic(): Promise<Lobby[]> {
    return this.many(await this.redis.zrange(this.keys.publicLobbies, '0', '-1'));
  }

  async update(id: string, change: (current: Lobby) => Lobby): Promise<Lobby | undefined> {
    return casUntilSettled(`lobby ${id}`, async () => {
      const stored = await this.redis.get(this.keys.lobby(id));
      if (stored === null) return { done: true, value: undefined };
      const current = JSON.parse(stored) as Lobby;
      const next = change(current);
      const before = new Set(current.members.map((member) => member.clientId));
      const after = new Set(next.members.map((member) => member.clientId));
      const removed = [...before].filter((clientId) => !after.has(clientId));
      const added = [...after].filter((clientId) => !before.has(clientId));
      const reply = await this.scripts.run(
        'updateLobby',
        [this.keys.lobby(id)],
        [this.keys.prefix, id, stored, JSON.stringify(next), removed.length, ...removed, ...added],
      );
      const [outcome, clientId] = reply as string[];
      if (outcome === 'member') throw new MemberInAnotherLobby(clientId);
      if (outcome === 'missing') return { done: true, value: undefined };
      return outcome === 'ok' ? { done: true, value: next } : { done: false };
    });
  }

  async delete(id: string): Promise<Lobby | undefined> {
    const reply = await this.scripts.run(
      'deleteLobby',
      [this.keys.lobby(id), this.keys.lobbies, this.keys.publicLobbies],
      [this.keys.prefix, id],
    );
    return parse(reply as string | null);
  }

  async count(): Promise<number> {
    return this.redis.scard(this.keys.lobbies);
  }

  private async many(ids: string[]): Promise<Lobby[]> {
    if (ids.length === 0) return [];
    const records = await this.redis.mget(ids.map((id) => this.keys.lobby(id)));
    // A lobby deleted between the two reads is simply left out.
    return records.flatMap((json) => (json === null ? [] : [JSON.parse(json) as Lobby]));
  }
}

function parse(json: string | null): Lobby | undefined {
  return json === null ? undefined : (JSON.parse(json) as Lobby);
}
