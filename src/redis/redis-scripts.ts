import type { Redis } from 'ioredis';

/** A Lua script and how many of its arguments are keys. */
export interface LuaScript {
  numberOfKeys: number;
  lua: string;
}

export type ScriptReply = string | number | null | (string | number | null)[];

type ScriptCommand = (...keysAndArgs: (string | number)[]) => Promise<ScriptReply>;

/**
 * Runs a store's Lua scripts by their SHA (EVALSHA, loaded once per connection). Redis runs
 * each script atomically, so one script is one step of the flow in one round trip, with its
 * checks and writes together: no read before a write, no compare-and-set retries. Script
 * names are the commands' names on the connection, so they must be unique across stores.
 */
export class RedisScripts<Name extends string> {
  constructor(
    private readonly redis: Redis,
    scripts: Record<Name, LuaScript>,
  ) {
    for (const [name, { numberOfKeys, lua }] of Object.entries<LuaScript>(scripts)) {
      if (!(name in redis)) redis.defineCommand(name, { numberOfKeys, lua });
    }
  }

  run(name: Name, keys: string[], args: (string | number)[]): Promise<ScriptReply> {
    const command = (this.redis as unknown as Record<Name, ScriptCommand>)[name];
    return command.call(this.redis, ...keys, ...args);
  }
}
