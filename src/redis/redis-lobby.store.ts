import type { Redis } from 'ioredis';
import type { Lobby, LobbyMember } from '../lobbies/lobby.js';
import {
  MemberInAnotherLobby,
  type AddMemberResult,
  type KickResult,
  type LobbyPatch,
  type LobbyStore,
  type LockResult,
  type RemoveMemberResult,
  type UpdateResult,
} from '../lobbies/lobby-store.js';
import { nameKey } from '../lobbies/name-key.js';
import { LOBBY_SCRIPTS } from './lobby-scripts.js';
import type { RedisKeys } from './redis-keys.js';
import { RedisScripts } from './redis-scripts.js';

/**
 * Lobbies in Redis (layout in lobby-scripts.ts): records and member entries in one hash,
 * the ids in a set, the public ones by creation time. Every step is one script or command.
 */
export class RedisLobbyStore implements LobbyStore {
  private readonly scripts: RedisScripts<keyof typeof LOBBY_SCRIPTS>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    this.scripts = new RedisScripts(redis, LOBBY_SCRIPTS);
  }

  async insert(lobby: Lobby): Promise<boolean> {
    // Each member's name key, which Lua cannot compute, for the name rule of later joins.
    const nameKeys = Object.fromEntries(lobby.members.map((m) => [m.clientId, nameKey(m.name)]));
    const reply = await this.scripts.run(
      'lobbyInsert',
      [this.keys.lobbies, this.keys.lobbyIds, this.keys.publicLobbies],
      [
        lobby.id,
        JSON.stringify(toStored(lobby)),
        JSON.stringify(nameKeys),
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
    return parse(await this.redis.hget(this.keys.lobbies, `l:${id}`));
  }

  async findByMember(clientId: string): Promise<Lobby | undefined> {
    const lobbyId = await this.lobbyIdOf(clientId);
    return lobbyId === undefined ? undefined : this.get(lobbyId);
  }

  async lobbyIdOf(clientId: string): Promise<string | undefined> {
    return (await this.redis.hget(this.keys.lobbies, `m:${clientId}`)) ?? undefined;
  }

  async list(): Promise<Lobby[]> {
    return this.many(await this.redis.smembers(this.keys.lobbyIds));
  }

  async listPublic(): Promise<Lobby[]> {
    return this.many(await this.redis.zrange(this.keys.publicLobbies, '0', '-1'));
  }

  async addMember(
    lobbyId: string,
    member: LobbyMember,
    passwordHash?: string,
    now = Date.now(),
  ): Promise<AddMemberResult> {
    const reply = await this.scripts.run(
      'lobbyAddMember',
      [this.keys.lobbies],
      [lobbyId, member.clientId, member.name, nameKey(member.name), passwordHash ?? '', now],
    );
    const [outcome, json] = reply as [AddMemberResult['outcome'] | 'member', string?];
    if (outcome === 'member') throw new MemberInAnotherLobby(member.clientId);
    if (outcome === 'added') return { outcome, lobby: parse(json)! };
    if (outcome === 'password') return { outcome, passwordHash: json! };
    return { outcome };
  }

  async removeMember(lobbyId: string, clientId: string): Promise<RemoveMemberResult> {
    const reply = await this.scripts.run(
      'lobbyRemoveMember',
      [this.keys.lobbies],
      [lobbyId, clientId],
    );
    const [outcome, json, name] = reply as [RemoveMemberResult['outcome'], string?, string?];
    if (outcome === 'removed')
      return { outcome, lobby: parse(json)!, left: { clientId, name: name! } };
    return { outcome };
  }

  async kick(
    lobbyId: string,
    hostId: string,
    memberNameKey: string,
    bannedUntil?: number,
  ): Promise<KickResult> {
    const reply = await this.scripts.run(
      'lobbyKick',
      [this.keys.lobbies],
      [lobbyId, hostId, memberNameKey, bannedUntil ?? ''],
    );
    const [outcome, json, clientId, name] = reply as [KickResult['outcome'], ...string[]];
    if (outcome === 'kicked') {
      return { outcome, lobby: parse(json)!, kicked: { clientId, name } };
    }
    return { outcome };
  }

  async update(lobbyId: string, hostId: string, patch: LobbyPatch): Promise<UpdateResult> {
    const dataMode = patch.data === undefined ? '' : patch.data === null ? 'clear' : 'set';
    const reply = await this.scripts.run(
      'lobbyUpdate',
      [this.keys.lobbies, this.keys.publicLobbies],
      [
        lobbyId,
        hostId,
        patch.name ?? '',
        patch.isPublic === undefined ? '' : patch.isPublic ? '1' : '0',
        dataMode,
        patch.data ? JSON.stringify(patch.data) : '',
      ],
    );
    const [outcome, json] = reply as [UpdateResult['outcome'], string?];
    if (outcome === 'updated') return { outcome, lobby: parse(json)! };
    return { outcome };
  }

  async lock(lobbyId: string, hostId: string, minMembers: number): Promise<LockResult> {
    const reply = await this.scripts.run(
      'lobbyLock',
      [this.keys.lobbies],
      [lobbyId, hostId, minMembers],
    );
    const [outcome, json] = reply as [LockResult['outcome'], string?];
    if (outcome === 'locked') return { outcome, lobby: parse(json)! };
    return { outcome };
  }

  async unlock(lobbyId: string): Promise<void> {
    await this.scripts.run('lobbyUnlock', [this.keys.lobbies], [lobbyId]);
  }

  async delete(id: string): Promise<Lobby | undefined> {
    const reply = await this.scripts.run(
      'lobbyDelete',
      [this.keys.lobbies, this.keys.lobbyIds, this.keys.publicLobbies],
      [id],
    );
    return parse(reply as string | null);
  }

  async count(): Promise<number> {
    return this.redis.scard(this.keys.lobbyIds);
  }

  private async many(ids: string[]): Promise<Lobby[]> {
    if (ids.length === 0) return [];
    const records = await this.redis.hmget(this.keys.lobbies, ...ids.map((id) => `l:${id}`));
    // A lobby deleted between the two reads is simply left out.
    return records.flatMap((json) => {
      const lobby = parse(json);
      return lobby ? [lobby] : [];
    });
  }
}

/** A lobby as its JSON holds it: `data` as a JSON string of its own (see lobby-scripts.ts). */
type StoredLobby = Omit<Lobby, 'data'> & { dataJson?: string };

function toStored({ data, ...lobby }: Lobby): StoredLobby {
  return data === undefined ? lobby : { ...lobby, dataJson: JSON.stringify(data) };
}

function parse(json: string | null | undefined): Lobby | undefined {
  if (json === null || json === undefined) return undefined;
  const { dataJson, ...lobby } = JSON.parse(json) as StoredLobby;
  return dataJson === undefined ? lobby : { ...lobby, data: JSON.parse(dataJson) as Lobby['data'] };
}
