import type { LuaScript } from './redis-scripts.js';

/**
 * The lobby's atomic steps. KEYS[1] is the `lobbies` hash: field `l:<id>` holds a lobby as
 * JSON, `k:<id>` its members' name keys by client id (for the name rule: Lua cannot compute
 * them; apart, so that reading a lobby never parses them), and `m:<clientId>` the id of the
 * lobby a client is in, so one HMGET reads a lobby and a joiner's membership and one HSET
 * writes them all. KEYS[2] is the set of lobby ids (for
 * counting and listing), KEYS[3] the public lobbies by creation time. The rules are those
 * of the in-memory store (src/lobbies/in-memory-lobby.store.ts), in the same order.
 *
 * A lobby's `data` is kept in the JSON as one string, `dataJson` (see redis-lobby.store.ts):
 * the scripts decode and re-encode the record with cjson, which would write numbers with 14
 * significant digits only and reorder the keys; a string passes through unchanged.
 */

/**
 * Inserts a lobby unless its id is taken or a member is in a lobby already.
 * ARGV: id, JSON, name keys as JSON, '1' when public, createdAt, member ids.
 */
const INSERT_LOBBY = `
local id = ARGV[1]
local fields = {'l:' .. id}
for i = 6, #ARGV do fields[#fields + 1] = 'm:' .. ARGV[i] end
local found = redis.call('HMGET', KEYS[1], unpack(fields))
if found[1] then return {'taken'} end
for i = 2, #found do
  if found[i] then return {'member', ARGV[i + 4]} end
end
local writes = {'l:' .. id, ARGV[2], 'k:' .. id, ARGV[3]}
for i = 6, #ARGV do
  writes[#writes + 1] = 'm:' .. ARGV[i]
  writes[#writes + 1] = id
end
redis.call('HSET', KEYS[1], unpack(writes))
redis.call('SADD', KEYS[2], id)
if ARGV[4] == '1' then redis.call('ZADD', KEYS[3], ARGV[5], id) end
return {'ok'}
`;

/**
 * Seats a member last. ARGV: lobby id, client id, name, name key, the password hash the
 * joiner presents ('' for none), now (ms, for bans; expired ones are dropped).
 */
const ADD_MEMBER = `
local id, clientId = ARGV[1], ARGV[2]
local found = redis.call('HMGET', KEYS[1], 'l:' .. id, 'k:' .. id, 'm:' .. clientId)
if found[3] == id then return {'already_member'} end
if found[3] then return {'member'} end
if not found[1] then return {'missing'} end
local lobby = cjson.decode(found[1])
if type(lobby.passwordHash) == 'string' and lobby.passwordHash ~= ARGV[5] then
  return {'password', lobby.passwordHash}
end
if type(lobby.bans) == 'table' then
  local now, live, any = tonumber(ARGV[6]), {}, false
  for bannedId, untilMs in pairs(lobby.bans) do
    if untilMs > now then
      live[bannedId] = untilMs
      any = true
    end
  end
  if live[clientId] then return {'banned'} end
  if any then lobby.bans = live else lobby.bans = nil end
end
if lobby.locked then return {'locked'} end
if #lobby.members >= lobby.maxMembers then return {'full'} end
local nameKeys = cjson.decode(found[2])
for _, key in pairs(nameKeys) do
  if key == ARGV[4] then return {'name_taken'} end
end
table.insert(lobby.members, {clientId = clientId, name = ARGV[3]})
nameKeys[clientId] = ARGV[4]
local json = cjson.encode(lobby)
redis.call('HSET', KEYS[1], 'l:' .. id, json, 'k:' .. id, cjson.encode(nameKeys), 'm:' .. clientId, id)
return {'added', json}
`;

/**
 * Removes a member: {'missing'} when the lobby or the member is not there; {'host'} when it
 * is the host and the lobby does not hand over (no hostMigration, locked, or no one else);
 * else {'removed', JSON, the member's name}, the first remaining member becoming host when
 * the host left. ARGV: lobby id, client id.
 */
const REMOVE_MEMBER = `
local id, clientId = ARGV[1], ARGV[2]
local found = redis.call('HMGET', KEYS[1], 'l:' .. id, 'k:' .. id)
if not found[1] then return {'missing'} end
local lobby = cjson.decode(found[1])
local at
for i, member in ipairs(lobby.members) do
  if member.clientId == clientId then at = i end
end
if not at then return {'missing'} end
local name = lobby.members[at].name
if lobby.hostId == clientId then
  if lobby.hostMigration ~= true or lobby.locked or #lobby.members < 2 then return {'host'} end
end
table.remove(lobby.members, at)
if lobby.hostId == clientId then lobby.hostId = lobby.members[1].clientId end
local nameKeys = cjson.decode(found[2])
nameKeys[clientId] = nil
local json = cjson.encode(lobby)
redis.call('HSET', KEYS[1], 'l:' .. id, json, 'k:' .. id, cjson.encode(nameKeys))
redis.call('HDEL', KEYS[1], 'm:' .. clientId)
return {'removed', json, name}
`;

/**
 * Reads lobby ARGV[1] (`lobby`) and its name keys (`nameKeys`), and answers unless ARGV[2]
 * (`hostId`) is its host; shared by the host's own steps below.
 */
const AS_HOST = `
local id, hostId = ARGV[1], ARGV[2]
local found = redis.call('HMGET', KEYS[1], 'l:' .. id, 'k:' .. id)
if not found[1] then return {'missing'} end
local lobby = cjson.decode(found[1])
local nameKeys = cjson.decode(found[2])
if not nameKeys[hostId] then return {'not_member'} end
if lobby.hostId ~= hostId then return {'not_host'} end
`;

/**
 * Kicks the member whose name key is ARGV[3]: {'kicked', JSON, its client id, its name}, or
 * why not. ARGV: lobby id, host id, name key, the end of its ban ('' for none).
 */
const KICK_MEMBER = `${AS_HOST}local at
for i, member in ipairs(lobby.members) do
  if nameKeys[member.clientId] == ARGV[3] then at = i end
end
if not at then return {'no_such_member'} end
local kicked = lobby.members[at]
if kicked.clientId == hostId then return {'self'} end
table.remove(lobby.members, at)
nameKeys[kicked.clientId] = nil
if ARGV[4] ~= '' then
  if type(lobby.bans) ~= 'table' then lobby.bans = {} end
  lobby.bans[kicked.clientId] = tonumber(ARGV[4])
end
local json = cjson.encode(lobby)
redis.call('HSET', KEYS[1], 'l:' .. id, json, 'k:' .. id, cjson.encode(nameKeys))
redis.call('HDEL', KEYS[1], 'm:' .. kicked.clientId)
return {'kicked', json, kicked.clientId, kicked.name}
`;

/**
 * Changes a lobby's settings and keeps the public index in step: {'updated', JSON}, or why
 * not. ARGV: lobby id, host id, name ('' keeps it), '1'/'0' for public ('' keeps it),
 * 'set'/'clear' for data ('' keeps it), the data as JSON text.
 */
const UPDATE_LOBBY = `${AS_HOST}if lobby.locked then return {'locked'} end
if ARGV[3] ~= '' then lobby.name = ARGV[3] end
if ARGV[4] ~= '' then lobby.isPublic = ARGV[4] == '1' end
if ARGV[5] == 'set' then lobby.dataJson = ARGV[6] elseif ARGV[5] == 'clear' then lobby.dataJson = nil end
local json = cjson.encode(lobby)
redis.call('HSET', KEYS[1], 'l:' .. id, json)
if lobby.isPublic then
  redis.call('ZADD', KEYS[2], lobby.createdAt, id)
else
  redis.call('ZREM', KEYS[2], id)
end
return {'updated', json}
`;

/** Locks the lobby for mediation. ARGV: lobby id, host id, minimum members. */
const LOCK_LOBBY = `
local json = redis.call('HGET', KEYS[1], 'l:' .. ARGV[1])
if not json then return {'missing'} end
local lobby = cjson.decode(json)
if lobby.hostId ~= ARGV[2] then return {'not_host'} end
if lobby.locked then return {'already_locked'} end
if #lobby.members < tonumber(ARGV[3]) then return {'too_few'} end
lobby.locked = true
json = cjson.encode(lobby)
redis.call('HSET', KEYS[1], 'l:' .. ARGV[1], json)
return {'locked', json}
`;

/** Unlocks the lobby if it exists. ARGV: lobby id. */
const UNLOCK_LOBBY = `
local json = redis.call('HGET', KEYS[1], 'l:' .. ARGV[1])
if not json then return 0 end
local lobby = cjson.decode(json)
if not lobby.locked then return 0 end
lobby.locked = false
redis.call('HSET', KEYS[1], 'l:' .. ARGV[1], cjson.encode(lobby))
return 1
`;

/** Deletes a lobby, its members' entries and its indexes; returns it, or nil. ARGV: id. */
const DELETE_LOBBY = `
local id = ARGV[1]
local json = redis.call('HGET', KEYS[1], 'l:' .. id)
if not json then return false end
local lobby = cjson.decode(json)
local fields = {'l:' .. id, 'k:' .. id}
for _, member in ipairs(lobby.members) do fields[#fields + 1] = 'm:' .. member.clientId end
redis.call('HDEL', KEYS[1], unpack(fields))
redis.call('SREM', KEYS[2], id)
if lobby.isPublic then redis.call('ZREM', KEYS[3], id) end
return json
`;

export const LOBBY_SCRIPTS = {
  lobbyInsert: { numberOfKeys: 3, lua: INSERT_LOBBY },
  lobbyAddMember: { numberOfKeys: 1, lua: ADD_MEMBER },
  lobbyRemoveMember: { numberOfKeys: 1, lua: REMOVE_MEMBER },
  lobbyKick: { numberOfKeys: 1, lua: KICK_MEMBER },
  lobbyUpdate: { numberOfKeys: 2, lua: UPDATE_LOBBY },
  lobbyLock: { numberOfKeys: 1, lua: LOCK_LOBBY },
  lobbyUnlock: { numberOfKeys: 1, lua: UNLOCK_LOBBY },
  lobbyDelete: { numberOfKeys: 3, lua: DELETE_LOBBY },
} satisfies Record<string, LuaScript>;
