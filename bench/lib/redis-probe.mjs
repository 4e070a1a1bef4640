import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { cpuTicks } from './proc.mjs';

/** The URL with its user and password masked, for output and reports. */
export function redactedUrl(url) {
  const parsed = new URL(url);
  if (parsed.username) parsed.username = '***';
  if (parsed.password) parsed.password = '***';
  return parsed.href;
}

/**
 * The Redis server a bench runs Orion against, watched from outside: its CPU ticks (when it
 * runs on this machine and /proc shows it), its count of commands processed, and the
 * keys under a prefix. Redis is not pinned to a core: it runs wherever the kernel puts it.
 */
export async function openRedisProbe(url) {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 5_000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  // Failures surface as rejected commands; without a listener ioredis would print them.
  redis.on('error', () => {});
  await redis.connect();
  const server = parseInfo(await redis.info('server'));
  const pid = localPid(Number(server.process_id));

  /** The keys under `prefix`, batch by batch (SCAN, so Redis is never blocked long). */
  async function eachBatch(prefix, onBatch) {
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) await onBatch(keys);
      cursor = next;
    } while (cursor !== '0');
  }

  return {
    version: server.redis_version,
    pid,
    /**
     * Redis's CPU ticks now (undefined when not visible), its count of commands executed
     * (those scripts run included), and the count of commands `server` sent (its
     * `orion_store_commands_total`: round trips, a script run counting once).
     */
    async sample(server) {
      const redisTicks = pid === undefined ? undefined : cpuTicks(pid);
      const [stats, storeCommands] = await Promise.all([
        redis.info('stats'),
        server ? storeCommandsOf(server) : undefined,
      ]);
      return {
        redisTicks,
        redisCommands: Number(parseInfo(stats).total_commands_processed),
        storeCommands,
      };
    },
    /** Deletes every key under `prefix`; resolves with how many there were. */
    async deleteKeys(prefix) {
      let deleted = 0;
      await eachBatch(prefix, async (keys) => (deleted += await redis.unlink(...keys)));
      return deleted;
    },
    async countKeys(prefix) {
      let count = 0;
      await eachBatch(prefix, (keys) => (count += keys.length));
      return count;
    },
    close: () => redis.disconnect(),
  };
}

/** A server's `orion_store_commands_total`, read from its /metrics. */
async function storeCommandsOf({ httpPort }) {
  const response = await fetch(`http://127.0.0.1:${httpPort}/metrics`);
  const text = await response.text();
  const line = text
    .split('\n')
    .find((candidate) => candidate.startsWith('orion_store_commands_total '));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

/** `INFO` output as an object of its `field:value` lines. */
function parseInfo(text) {
  const fields = {};
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}

/**
 * The pid of the redis-server process in this machine's /proc: the one INFO reports if it
 * is a redis-server here (it may not be, when Redis runs in another pid namespace), else
 * the only redis-server `pgrep` finds; undefined when there is none or more than one.
 */
function localPid(reported) {
  if (Number.isInteger(reported) && reported > 0 && isRedisServer(reported)) return reported;
  try {
    const pids = execFileSync('pgrep', ['-x', 'redis-server'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
    return pids.length === 1 ? pids[0] : undefined;
  } catch {
    return undefined;
  }
}

function isRedisServer(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'redis-server';
  } catch {
    return false;
  }
}
