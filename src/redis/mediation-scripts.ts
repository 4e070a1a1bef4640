import type { LuaScript } from './redis-scripts.js';

/**
 * The mediation's atomic steps, each one script on the `mediations` hash (lobby id to the
 * record as JSON). The rules are those of src/mediation/mediation.ts, which the in-memory
 * store runs. A reply is `{outcome, lobby id, record}`, the record only when the step
 * completed its set (see MediationChange). Lua's cjson writes an empty array as `{}`: the
 * store's parser reads `connected` back as a list.
 */

/**
 * Finds the member's lobby (the lobby store's `m:<clientId>` field of the `lobbies` hash,
 * KEYS[1]: see lobby-scripts.ts), decodes that lobby's mediation (KEYS[2]) and whether
 * `clientId` (ARGV[1]) is one of its members; shared by the two recording scripts.
 */
const FIND_BY_MEMBER = `
local clientId = ARGV[1]
local lobbyId = redis.call('HGET', KEYS[1], 'm:' .. clientId)
if not lobbyId then return {'missing'} end
local json = redis.call('HGET', KEYS[2], lobbyId)
if not json then return {'missing'} end
local mediation = cjson.decode(json)
local isMember = false
for _, member in ipairs(mediation.members) do
  if member.clientId == clientId then isMember = true end
end
`;

/** Writes the record back; answers with it when `completed` is true. */
const WRITE = `
local written = cjson.encode(mediation)
redis.call('HSET', KEYS[2], lobbyId, written)
if completed then return {'changed', lobbyId, written} end
return {'changed', lobbyId}
`;

/**
 * Records a member's endpoint unless it is not collecting, already recorded or no member;
 * the endpoint that completes the set moves the mediation to `connecting` at `now`.
 * ARGV: client id, endpoint as JSON, now (ms).
 */
const RECORD_ENDPOINT = `${FIND_BY_MEMBER}
if mediation.phase ~= 'collecting' or not isMember then return {'unchanged'} end
if mediation.endpoints[clientId] then return {'unchanged'} end
mediation.endpoints[clientId] = cjson.decode(ARGV[2])
local everyoneHeard = true
for _, member in ipairs(mediation.members) do
  if not mediation.endpoints[member.clientId] then everyoneHeard = false end
end
if everyoneHeard then
  mediation.phase = 'connecting'
  mediation.phaseStartedAt = tonumber(ARGV[3])
end
local completed = everyoneHeard
${WRITE}`;

/**
 * Records a member's success report unless it is not connecting, reported already or no
 * member. ARGV: client id.
 */
const RECORD_CONNECTED = `${FIND_BY_MEMBER}
if mediation.phase ~= 'connecting' or not isMember then return {'unchanged'} end
for _, connected in ipairs(mediation.connected) do
  if connected == clientId then return {'unchanged'} end
end
table.insert(mediation.connected, clientId)
local completed = #mediation.connected >= #mediation.members
${WRITE}`;

/**
 * Deletes the mediation and returns it, or nil; with a phase (ARGV[2] not empty), only
 * while the mediation is in it. ARGV: lobby id, phase or ''.
 */
const DELETE_MEDIATION = `
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return false end
if ARGV[2] ~= '' and cjson.decode(json).phase ~= ARGV[2] then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
return json
`;

export const MEDIATION_SCRIPTS = {
  mediationRecordEndpoint: { numberOfKeys: 2, lua: RECORD_ENDPOINT },
  mediationRecordConnected: { numberOfKeys: 2, lua: RECORD_CONNECTED },
  mediationDelete: { numberOfKeys: 1, lua: DELETE_MEDIATION },
} satisfies Record<string, LuaScript>;
