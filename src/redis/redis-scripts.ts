import type { Redis } from 'ioredis';

/**
 * The Lua scripts behind every multi-key change: Redis runs each one atomically, so
 * two replicas racing for the same lobby id, seat or name cannot both win. Scripts
 * reach member keys by name (`<prefix>member:<id>`); with the default hash-tag prefix
 * those share the slot of the declared keys.
 */

/** Inserts a lobby unless its id is taken or a member is already in another lobby. */
const INSERT_LOBBY = `
local prefix, id, json, isPublic, createdAt = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
if redis.call('EXISTS', KEYS[1]) == 1 then return {'taken'} end
for i = 6, #ARGV do
  local other = redis.call('GET', prefix .. 'member:' .. ARGV[i])
  if other then return {'member', ARGV[i]} end
end
redis.call('SET', KEYS[1], json)
redis.call('SADD', KEYS[2], id)
if isPublic == '1' then redis.call('ZADD', KEYS[3], createdAt, id) end
for i = 6, #ARGV do redis.call('SET', prefix .. 'member:' .. ARGV[i], id) end
return {'ok'}
`;

/**
 * Compare-and-set of a lobby: writes `next` only if the stored record is still `expected`.
 * ARGV: prefix, id, expected, next, count of removed members, removed ids, added ids.
 */
const UPDATE_LOBBY = `
local prefix, id, expected, nextJson = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local removed = tonumber(ARGV[5])
local current = redis.call('GET', KEYS[1])
if not current then return {'missing'} end
if current ~= expected then return {'conflict'} end
for i = 6 + removed, #ARGV do
  local other = redis.call('GET', prefix .. 'member:' .. ARGV[i])
  if other and other ~= id then return {'member', ARGV[i]} end
end
redis.call('SET', KEYS[1], nextJson)
for i = 6, 5 + removed do
  local key = prefix .. 'member:' .. ARGV[i]
  if redis.call('GET', key) == id then redis.call('DEL', key) end
end
for i = 6 + removed, #ARGV do redis.call('SET', prefix .. 'member:' .. ARGV[i], id) end
return {'ok'}
`;

/** Deletes a lobby and its indexes; returns the deleted record, or nil. */
const DELETE_LOBBY = `
local prefix, id = ARGV[1], ARGV[2]
local current = redis.call('GET', KEYS[1])
if not current then return false end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], id)
redis.call('ZREM', KEYS[3], id)
for _, member in ipairs(cjson.decode(current).members) do
  local key = prefix .. 'member:' .. member.clientId
  if redis.call('GET', key) == id then redis.call('DEL', key) end
end
return current
`;

/** Inserts a record into a keyed set unless its key exists. KEYS: record, set. */
const INSERT_RECORD = `
if redis.call('SET', KEYS[1], ARGV[2], 'NX') then
  redis.call('SADD', KEYS[2], ARGV[1])
  return 1
end
return 0
`;

/** Compare-and-set of one record. */
const UPDATE_RECORD = `
local current = redis.call('GET', KEYS[1])
if not current then return 'missing' end
if current ~= ARGV[1] then return 'conflict' end
redis.call('SET', KEYS[1], ARGV[2])
return 'ok'
`;

/** Deletes a record and its set entry; returns the record, or nil. KEYS: record, set. */
const DELETE_RECORD = `
local current = redis.call('GET', KEYS[1])
if not current then return false end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return current
`;

/** Compare-and-delete of one record and its set entry. KEYS: record, set. */
const DELETE_RECORD_IF = `
local current = redis.call('GET', KEYS[1])
if not current then return 'missing' end
if current ~= ARGV[2] then return 'conflict' end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return 'ok'
`;

const SCRIPTS = {
  insertLobby: { numberOfKeys: 3, lua: INSERT_LOBBY },
  updateLobby: { numberOfKeys: 1, lua: UPDATE_LOBBY },
  deleteLobby: { numberOfKeys: 3, lua: DELETE_LOBBY },
  insertRecord: { numberOfKeys: 2, lua: INSERT_RECORD },
  updateRecord: { numberOfKeys: 1, lua: UPDATE_RECORD },
  deleteRecord: { numberOfKeys: 2, lua: DELETE_RECORD },
  deleteRecordIf: { numberOfKeys: 2, lua: DELETE_RECORD_IF },
} as const;

export type ScriptName = keyof typeof SCRIPTS;
type ScriptReply = string | number | null | string[];

/** Runs the named scripts by their SHA, loading each once per connection. */
export class RedisScripts {
  constructor(private readonly redis: Redis) {
    for (const [name, { numberOfKeys, lua }] of Object.entries(SCRIPTS)) {
      if (!(name in redis)) redis.defineCommand(name, { numberOfKeys, lua });
    }
  }

  run(name: ScriptName, keys: string[], args: (string | number)[]): Promise<ScriptReply> {
    const command = (this.redis as unknown as Record<ScriptName, ScriptCommand>)[name];
    return command.call(this.redis, ...keys, ...args);
  }
}

type ScriptCommand = (...keysAndArgs: (string | number)[]) => Promise<ScriptReply>;
