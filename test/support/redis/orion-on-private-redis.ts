import type { OrionSettings } from '../../../src/config/orion-config.js';
import { freeTcpPort } from '../orion/orion-process.js';
import { startOrion, type OrionTestApp } from '../orion/orion-test-app.js';
import { PrivateRedis } from './private-redis.js';

/**
 * Tests that stop or pause their own redis-server still need the binary, which runs that
 * provide REDIS_URL have; elsewhere they skip, saying so.
 */
export function redisServerAvailable(what: string): boolean {
  const available = Boolean(process.env.REDIS_URL);
  if (!available) console.warn(`${what} skipped: set REDIS_URL to run it.`);
  return available;
}

export interface OrionOnPrivateRedis {
  redis: PrivateRedis;
  orion: OrionTestApp;
}

/** A private redis-server on a free port, and an in-process Orion keeping its state there. */
export async function startOrionOnPrivateRedis(
  settings: Partial<OrionSettings>,
): Promise<OrionOnPrivateRedis> {
  const redis = new PrivateRedis(await freeTcpPort());
  await redis.start();
  try {
    return { redis, orion: await startOrion({ redisUrl: redis.url, ...settings }) };
  } catch (error) {
    await redis.stop();
    throw error;
  }
}

/** Stops Orion, then its Redis; either may be missing when the start failed. */
export async function stopOrionOnPrivateRedis({
  redis,
  orion,
}: Partial<OrionOnPrivateRedis>): Promise<void> {
  await orion?.close();
  await redis?.stop();
}
