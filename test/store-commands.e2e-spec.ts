import { Redis } from 'ioredis';
import { OrionConfig } from '../src/config/orion-config.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientPool, mediateToSuccess, openParty } from './support/flows/mediation-flows.js';
import { metricValue } from './support/orion/metrics.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import { TEST_REDIS_URL } from './support/redis/test-redis.js';
import { sleep } from './support/timing.js';

const COMMANDS = 'orion_store_commands_total';

/** One lobby flow to success, then every socket closed, so no lobby or client is left. */
async function runFlow(orion: OrionTestApp, pool: ClientPool): Promise<void> {
  const party = await openParty(orion, pool, ['Ann', 'Bob', 'Cid']);
  await mediateToSuccess(orion, party);
  await pool.closeAll();
}

describe.skipIf(TEST_REDIS_URL)('orion_store_commands_total with state in memory', () => {
  it('stays 0 through a whole flow: nothing leaves the process', async () => {
    const orion = await startOrion();
    const pool = new ClientPool();
    try {
      await runFlow(orion, pool);
      expect(await metricValue(orion, COMMANDS)).toBe(0);
    } finally {
      await pool.closeAll();
      await orion.close();
    }
  });
});

/**
 * `npm run bench` reads the count as Orion's round trips to Redis, so it must match what
 * Redis saw: MONITOR lists every command with the connection that sent it, and the
 * commands a script runs as sent by `lua`, which the count leaves out.
 */
describe.skipIf(!TEST_REDIS_URL)('orion_store_commands_total with state in Redis', () => {
  let orion: OrionTestApp;
  let probe: Redis;
  let monitor: Awaited<ReturnType<Redis['monitor']>>;
  const seen: { source: string; args: string[] }[] = [];

  beforeAll(async () => {
    // Heartbeats far apart, so that none falls between a count and its marker.
    orion = await startOrion({ replicaTimeoutMs: 120_000 });
    probe = new Redis(TEST_REDIS_URL!);
    monitor = await probe.monitor();
    monitor.on('monitor', (_time: string, args: string[], source: string) =>
      seen.push({ source, args }),
    );
  });

  afterAll(async () => {
    monitor?.disconnect();
    probe?.disconnect();
    await orion?.close();
  });

  /** Sends a marker through Redis and waits until MONITOR has shown it. */
  async function marker(name: string): Promise<number> {
    await probe.echo(name);
    const deadline = Date.now() + 2_000;
    for (;;) {
      const at = seen.findIndex(
        (command) => command.args[0] === 'echo' && command.args[1] === name,
      );
      if (at >= 0) return at;
      if (Date.now() > deadline) throw new Error(`MONITOR never showed ${name}`);
      await sleep(10);
    }
  }

  it("counts exactly the commands Redis received from Orion's connection", async () => {
    const pool = new ClientPool();
    const before = await metricValue(orion, COMMANDS);
    const from = await marker('before-flow');
    await runFlow(orion, pool);
    const clientsKey = `${orion.app.get(OrionConfig).redisKeyPrefix}clients`;
    // Sockets close asynchronously: wait until Orion has deleted every record.
    const deadline = Date.now() + 3_000;
    while ((await probe.hlen(clientsKey)) > 0 && Date.now() < deadline) await sleep(20);
    expect(await probe.hlen(clientsKey)).toBe(0);
    const after = await metricValue(orion, COMMANDS);
    const to = await marker('after-flow');

    // Orion's command connection is the one that registered the clients.
    const orionSource = seen.find(
      (command) => command.args[0] === 'hset' && command.args[1] === clientsKey,
    )?.source;
    expect(orionSource).toBeDefined();
    const window = seen.slice(from, to);
    const sent = window.filter((command) => command.source === orionSource).length;
    const inScripts = window.filter((command) => command.source === 'lua').length;

    // Each scrape's state reads come after its count, and the two scrapes read the same
    // state (no client, no lobby): what the first adds before `from`, the second adds before `to`.
    expect(after - before).toBe(sent);
    expect(sent).toBeGreaterThan(20);
    expect(inScripts).toBeGreaterThan(0);
  });
});
