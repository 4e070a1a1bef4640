import type { INestApplication } from '@nestjs/common';
import { afterAll, describe, expect, it } from 'vitest';
import type { OrionSettings } from '../src/config/orion-config.js';
import { ChurnClients } from './support/churn/clients.js';
import { FLOWS, heardAbort, type FlowKind, type ParkedMediation } from './support/churn/flows.js';
import { heapUsedAfterGc, megabytes } from './support/churn/heap.js';
import { ChurnTally, type ChurnContext } from './support/churn/party.js';
import { SeededRandom, seedFromEnv } from './support/seeded-random.js';
import {
  MIDPOINT_WEIGHTS,
  planFlow,
  planFlows,
  runFlows,
  runMidpointWave,
} from './support/churn/runner.js';
import { trackServerTimers } from './support/flows/mediation-flows.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import { stateCounts, stateViolations } from './support/orion/state-invariants.js';
import { sleep, waitUntil } from './support/timing.js';

/** At least this many clients connect over the whole churn (CHURN_CLIENTS for a longer soak). */
const CHURN_CLIENTS = Number(process.env.CHURN_CLIENTS ?? 2_000);
/** Clients in flight at once: enough to interleave flows, few enough for 2 shared cores. */
const IN_FLIGHT = 160;
/** Clients in the warm-up churn before the heap baseline, numbered apart from the churn's. */
const WARM_UP_CLIENTS = 300;
const WARM_UP_INDEX = 1_000_000;
/** Clients in the wave that holds still at the mid-point. */
const MIDPOINT_CLIENTS = 100;
/**
 * How much the heap may grow over the churn once every client is gone and collected.
 * The baseline comes after a warm-up churn, so what remains is the JIT's optimised code
 * for the hot paths: 1 to 3 MB here, the same after 2,000 or 6,000 clients, and heap
 * snapshots show nothing but code and deopt data in it. A leak of 2.5 KB per client
 * (a lobby, a mediation or a socket kept alive with its listeners) would exceed it.
 */
const HEAP_GROWTH_LIMIT_BYTES = 5 * 1024 * 1024;

const CHURN_SETTINGS = {
  // The limits under test elsewhere would only get in the way of a crowd from one address.
  maxConnectionsPerIp: 100_000,
  maxClients: 100_000,
  chatRatePerSecond: 100_000,
  chatBurst: 100_000,
  // Warnings and errors only: the captured log then neither grows with every client
  // (which would blur the heap figure) nor hides a server error.
  logLevel: 'warn',
} satisfies Partial<OrionSettings>;

const EMPTY = { clients: 0, lobbies: 0, mediations: 0, armedTimers: 0 };

/** Waits until the server holds nothing, then asserts it (so a leak shows its counts). */
async function expectEmptied(app: INestApplication): Promise<void> {
  await waitUntil(
    async () => Object.values(await stateCounts(app)).every((count) => count === 0),
    'the server forgets every client, lobby, mediation and timer',
    10_000,
  ).catch(() => undefined);
  expect(await stateCounts(app)).toEqual(EMPTY);
  expect(await stateViolations(app)).toEqual([]);
}

/** Server log records at error level or above (pino: 50 and up). */
const errorRecords = (orion: OrionTestApp) =>
  orion.logger.records.filter((record) => Number(record.level) >= 50);

describe('churn', () => {
  let orion: OrionTestApp | undefined;
  const everyClients: ChurnClients[] = [];

  afterAll(async () => {
    await Promise.all(everyClients.map((clients) => clients.vanishAll()));
    await orion?.close();
  });

  it('thousands of clients host, join, chat, mediate and leave or vanish in every phase, and leave nothing behind', async () => {
    const seed = seedFromEnv('CHURN_SEED');
    console.log(`churn: seed ${seed} (replay the same plan with CHURN_SEED=${seed})`);
    orion = await startOrion(CHURN_SETTINGS);
    const started = orion;
    const contextFor = (): ChurnContext => {
      const clients = new ChurnClients(started.wsUrl);
      everyClients.push(clients);
      return { orion: started, clients, tally: new ChurnTally() };
    };
    try {
      await churnAndCheck(started, new SeededRandom(seed), contextFor);
    } catch (error) {
      // Timing differs between runs, but the plan of flows replays from the seed.
      // The server's own error lines say why, e.g. what stands behind a 500.
      const serverErrors = errorRecords(started).map((record) => JSON.stringify(record));
      if (error instanceof Error) {
        error.message = `[CHURN_SEED=${seed}] ${error.message}\nserver errors:\n${serverErrors.join('\n')}`;
      }
      throw error;
    }
  }, 180_000);
});

async function churnAndCheck(
  orion: OrionTestApp,
  root: SeededRandom,
  contextFor: () => ChurnContext,
): Promise<void> {
  const { app } = orion;
  // Warm-up: every flow once, then a short churn, so that lazily built code and caches,
  // the JIT's work on the hot paths and the source maps that the timer tracker's stack
  // traces decode are in place before the baseline.
  const kinds = Object.keys(FLOWS) as FlowKind[];
  const warmUp = contextFor();
  await withServerTimersChecked(async () => {
    const everyKind = kinds.map((kind, index) => planFlow(root, WARM_UP_INDEX + index, kind));
    await runFlows(warmUp, everyKind, IN_FLIGHT);
    const more = planFlows(root, WARM_UP_CLIENTS, WARM_UP_INDEX + kinds.length);
    await runFlows(warmUp, more, IN_FLIGHT);
    await expectEmptied(app);
  });
  const heapBefore = await heapUsedAfterGc();

  const ctx = contextFor();
  // Every timeout and interval the server made during the churn is gone with it.
  await withServerTimersChecked(() => churn(app, root, ctx));
  expect(errorRecords(orion)).toEqual([]);

  const heapAfter = await heapUsedAfterGc();
  const { opened, closed, vanished } = ctx.clients;
  const { lobbies, mediations, succeeded, aborted, closedByHost } = ctx.tally;
  console.log(
    `churn: ${opened} clients (${closed} closed, ${vanished} vanished), ${lobbies} lobbies, ` +
      `${mediations} mediations (${succeeded} succeeded, ${aborted} aborted, ` +
      `${closedByHost} ended by the host leaving, ` +
      `${mediations - succeeded - aborted - closedByHost} raced with a departure); ` +
      `heap after GC ${megabytes(heapBefore)} -> ${megabytes(heapAfter)}`,
  );
  expect(opened).toBeGreaterThanOrEqual(CHURN_CLIENTS);
  expect(succeeded).toBeGreaterThan(0);
  expect(aborted).toBeGreaterThan(0);
  expect(heapAfter - heapBefore).toBeLessThan(HEAP_GROWTH_LIMIT_BYTES);
}

/**
 * Runs `work` while recording the timers the server's code creates, then expects every
 * one of them cleared or fired. The record is dropped on return, before any heap figure.
 */
async function withServerTimersChecked(work: () => Promise<void>): Promise<void> {
  const timers = trackServerTimers();
  try {
    await work();
    expect(timers.alive()).toEqual([]);
  } finally {
    timers.stop();
  }
}

/** The churn itself: half the clients, a wave held still at the mid-point, then the rest. */
async function churn(app: INestApplication, root: SeededRandom, ctx: ChurnContext) {
  const firstHalf = planFlows(root, CHURN_CLIENTS / 2, 0);
  await runFlows(ctx, firstHalf, IN_FLIGHT);
  await expectEmptied(app);

  const midpoint = planFlows(root, MIDPOINT_CLIENTS, firstHalf.length, MIDPOINT_WEIGHTS);
  await runMidpointWave(ctx, midpoint, async (parked) => {
    await expectConsistentWhileParked(app, ctx, midpoint.length, parked);
  });

  // Flows plan for the most clients they may open; top up until enough did.
  for (let next = firstHalf.length + midpoint.length; ctx.clients.opened < CHURN_CLIENTS;) {
    const more = planFlows(root, CHURN_CLIENTS - ctx.clients.opened, next);
    await runFlows(ctx, more, IN_FLIGHT);
    next += more.length;
  }
  expect(ctx.clients.liveCount).toBe(0);
  await expectEmptied(app);
}

/**
 * With every mid-point flow held still, the server's state obeys every invariant and
 * matches what the clients did: each live client is registered, each flow has its lobby,
 * and every parked mediation runs unless the client saw it time out meanwhile.
 */
async function expectConsistentWhileParked(
  app: INestApplication,
  ctx: ChurnContext,
  lobbies: number,
  parked: readonly ParkedMediation[],
): Promise<void> {
  // Let frames, datagrams and closes already sent land.
  await sleep(100);
  const abortedBefore = parked.filter(heardAbort).length;
  // Only microtasks run between here and the snapshot: no timer can fire in between.
  const violations = await stateViolations(app);
  const counts = await stateCounts(app);
  await sleep(50);
  const abortedAfter = parked.filter(heardAbort).length;
  console.log(
    `churn: mid-point ${counts.clients} clients, ${counts.lobbies} lobbies, ` +
      `${counts.mediations} mediations (${parked.length} parked mid-mediation)`,
  );
  expect(violations).toEqual([]);
  expect(counts.clients).toBe(ctx.clients.liveCount);
  expect(counts.lobbies).toBe(lobbies);
  expect(counts.mediations).toBeLessThanOrEqual(parked.length - abortedBefore);
  expect(counts.mediations).toBeGreaterThanOrEqual(parked.length - abortedAfter);
  expect(counts.armedTimers).toBe(counts.mediations);
}
