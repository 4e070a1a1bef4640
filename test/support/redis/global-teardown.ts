import { Redis } from 'ioredis';

/** After the e2e-redis run: removes whatever the servers under test left in Redis. */
export async function teardown(): Promise<void> {
  const url = process.env.REDIS_URL;
  if (!url) return;
  const redis = new Redis(url);
  try {
    const keys = await redis.keys('{orion-e2e-*');
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
