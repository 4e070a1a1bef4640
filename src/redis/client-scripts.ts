import type { LuaScript } from './redis-scripts.js';

/**
 * Deletes a client's record and token entry from the `clients` hash in one step, and
 * returns the record, or nil: exactly one of several callers gets it.
 * ARGV: the record's field, the prefix of token fields.
 */
const DELETE_CLIENT = `
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return false end
redis.call('HDEL', KEYS[1], ARGV[1], ARGV[2] .. cjson.decode(json).token)
return json
`;

export const CLIENT_SCRIPTS = {
  clientDelete: { numberOfKeys: 1, lua: DELETE_CLIENT },
} satisfies Record<string, LuaScript>;
