import { expect } from 'vitest';
import { ReconnectionService } from '../../../src/clients/reconnection.service.js';
import { RecentChat } from '../../../src/connections/recent-chat.js';
import { MediationService } from '../../../src/mediation/mediation.service.js';
import { waitUntil } from '../timing.js';
import type { OrionTestApp } from './orion-test-app.js';
import { settledStateViolations, stateCounts } from './state-invariants.js';

/**
 * Expects the server to hold nothing once every socket has closed (waiting up to
 * `timeoutMs` for it to settle, an away client's grace included): no client, away or not,
 * no lobby, mediation, timer or missed-chat hold, and no broken invariant.
 */
export async function expectNothingLeft(orion: OrionTestApp, timeoutMs = 3_000): Promise<void> {
  const reconnection = orion.app.get(ReconnectionService);
  const empty = async () =>
    Object.values(await stateCounts(orion.app)).every((count) => count === 0) &&
    reconnection.awayCount === 0;
  await waitUntil(empty, 'every client, lobby and mediation gone', timeoutMs).catch(
    () => undefined,
  );
  expect(await stateCounts(orion.app)).toEqual({
    clients: 0,
    lobbies: 0,
    mediations: 0,
    armedTimers: 0,
  });
  expect(reconnection.awayCount).toBe(0);
  expect(orion.app.get(RecentChat).size).toBe(0);
  expect(orion.app.get(MediationService).activeTimerCount).toBe(0);
  expect(await settledStateViolations(orion.app)).toEqual([]);
}

/** How many clients the server holds right now (away ones included). */
export async function clientCount(orion: OrionTestApp): Promise<number> {
  return (await stateCounts(orion.app)).clients;
}
