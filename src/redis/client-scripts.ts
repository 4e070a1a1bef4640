import type { LuaScript } from './redis-scripts.js';

/**
 * The client's atomic steps on the `clients` hash (KEYS[1]), which holds each record twice,
 * under `id:<id>` and `tok:<token>`: every change writes both in the same step. The rules are
 * those of src/clients/client-store.ts. Records are decoded and re-encoded with cjson, which
 * writes numbers with 14 significant digits: enough for epoch milliseconds (13).
 */

/**
 * Deletes a client's record and token entry in one step, and returns the record, or nil:
 * exactly one of several callers gets it.
 * ARGV: the record's field, the prefix of token fields.
 */
const DELETE_CLIENT = `
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return false end
redis.call('HDEL', KEYS[1], ARGV[1], ARGV[2] .. cjson.decode(json).token)
return json
`;

/**
 * Marks a client away until a time; 1, or 0 when there is no such client.
 * ARGV: the record's field, the prefix of token fields, awayUntil.
 */
const MARK_AWAY = `
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return 0 end
local client = cjson.decode(json)
client.awayUntil = tonumber(ARGV[3])
local updated = cjson.encode(client)
redis.call('HSET', KEYS[1], ARGV[1], updated, ARGV[2] .. client.token, updated)
return 1
`;

/**
 * Attaches the client holding a token to a replica, if it is away or already attached to
 * that replica (or to the replica it takes the client over from, when given). Returns
 * {'resumed', record, '1' when it was away, the replica it was attached to} or {'unknown'}
 * or {'elsewhere', id, replica}.
 * ARGV: the token's field, the prefix of id fields, the replica id, the replica to take
 * over from ('' for none).
 */
const RESUME_CLIENT = `
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return {'unknown'} end
local client = cjson.decode(json)
local wasAway = client.awayUntil ~= nil
local previous = client.replicaId
if not wasAway and previous ~= ARGV[3] and previous ~= ARGV[4] then
  return {'elsewhere', client.id, previous}
end
client.awayUntil = nil
client.replicaId = ARGV[3]
local updated = cjson.encode(client)
redis.call('HSET', KEYS[1], ARGV[2] .. client.id, updated, ARGV[1], updated)
return {'resumed', updated, wasAway and '1' or '0', previous}
`;

/**
 * Deletes a client only while it is away with exactly the given awayUntil; returns the
 * record, or nil.
 * ARGV: the record's field, the prefix of token fields, awayUntil.
 */
const EXPIRE_CLIENT = `
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return false end
local client = cjson.decode(json)
if client.awayUntil == nil or client.awayUntil ~= tonumber(ARGV[3]) then return false end
redis.call('HDEL', KEYS[1], ARGV[1], ARGV[2] .. client.token)
return json
`;

export const CLIENT_SCRIPTS = {
  clientDelete: { numberOfKeys: 1, lua: DELETE_CLIENT },
  clientMarkAway: { numberOfKeys: 1, lua: MARK_AWAY },
  clientResume: { numberOfKeys: 1, lua: RESUME_CLIENT },
  clientExpire: { numberOfKeys: 1, lua: EXPIRE_CLIENT },
} satisfies Record<string, LuaScript>;
