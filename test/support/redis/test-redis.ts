import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { OrionSettings } from '../../../src/config/orion-config.js';

/** Set (to REDIS_URL) in the e2e-redis project: servers under test keep state in Redis. */
export const TEST_REDIS_URL = process.env.ORION_TEST_REDIS_URL;

/** Redis settings for one server under test: its own key prefix, so runs never mix. */
export function testRedisSettings(): Partial<OrionSettings> {
  if (!TEST_REDIS_URL) return {};
  return { redisUrl: TEST_REDIS_URL, redisKeyPrefix: `{orion-e2e-${randomUUID()}}:` };
}

/** The same as ORION_* environment variables, for servers run as child processes. */
export function testRedisEnv(): Record<string, string> {
  const settings = testRedisSettings();
  if (!settings.redisUrl || !settings.redisKeyPrefix) return {};
  return { ORION_REDIS_URL: settings.redisUrl, ORION_REDIS_KEY_PREFIX: settings.redisKeyPrefix };
}

/** Deletes every key under `prefix`: what a test's server left behind. */
export async function deleteRedisKeys(prefix: string | undefined): Promise<void> {
  if (!TEST_REDIS_URL || !prefix) return;
  const redis = new Redis(TEST_REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
