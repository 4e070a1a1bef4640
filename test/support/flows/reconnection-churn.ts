import { expect } from 'vitest';
import type { TestClient } from '../clients/test-client.js';
import type { OrionAddress } from '../orion/orion-test-app.js';
import { SeededRandom } from '../seeded-random.js';
import { waitUntil } from '../timing.js';
import {
  createLobby,
  joinLobby,
  postStart,
  type ClientPool,
  type Peer,
} from './mediation-flows.js';
import { dropConnection, resume } from './reconnection-flows.js';

export interface ReconnectionChurnOptions {
  /** Where sockets connect and requests go: one server, or replicas sharing a store. */
  servers: OrionAddress[];
  pool: ClientPool;
  /** The servers' --reconnectGraceMs. */
  graceMs: number;
  seed: number;
  rounds?: number;
  /** Every token the run sees, for a test that checks none is logged. */
  onToken?: (token: string) => void;
}

type Fate = 'stay' | 'drop' | 'halfOpen' | 'expire';

/**
 * Rounds of 4-player lobbies (every other one mediating, waiting for packets nobody sends)
 * in which each player stays, drops and resumes, leaves a half-open socket behind and is
 * taken over by a new one, or drops for good (one per lobby), each through a server drawn
 * at random. Resolves once every lobby has heard of its leaver when the grace ended; the
 * caller then closes every socket and checks that nothing is left.
 */
export async function reconnectionChurn(options: ReconnectionChurnOptions): Promise<void> {
  const { servers, pool, graceMs, seed } = options;
  const rounds = options.rounds ?? 4;
  const random = new SeededRandom(seed);
  const pick = () => servers[random.int(0, servers.length - 1)];
  const survivors: TestClient[] = [];
  const expired: { lobbyId: string; name: string; hosted: boolean }[] = [];
  let resumes = 0;
  for (let round = 0; round < rounds; round++) {
    const { lobbyId, everyone } = await openLobby(pick, pool, options.onToken);
    if (round % 2 === 1) {
      expect((await postStart(pick(), everyone[0].client, lobbyId)).status).toBe(200);
    }
    const leaver = random.int(0, everyone.length - 1);
    // Every fate is drawn before anything runs, so that a seed replays the same run. One
    // player drops for good; the next one surely comes back; the others may stay.
    const fateOf = (index: number): Fate => {
      if (index === leaver) return 'expire';
      const returner = index === (leaver + 1) % everyone.length;
      if (!returner && random.chance(0.25)) return 'stay';
      return random.chance(0.5) ? 'halfOpen' : 'drop';
    };
    const plan = everyone.map((peer, index) => ({
      peer,
      fate: fateOf(index),
      delayMs: random.int(0, 200),
      comeBackTo: pick(),
    }));
    await Promise.all(
      plan.map(async ({ peer, fate, delayMs, comeBackTo }) => {
        if (fate === 'stay') return survivors.push(peer.client);
        if (fate !== 'halfOpen') await dropConnection(peer.client);
        if (fate === 'expire') {
          expired.push({ lobbyId, name: peer.name, hosted: peer === everyone[0] });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        const { client, freshToken } = await resume(comeBackTo, pool, peer.client.token);
        options.onToken?.(freshToken);
        resumes++;
        survivors.push(client);
      }),
    );
  }
  expect(resumes, `seed ${seed}`).toBeGreaterThanOrEqual(rounds);
  // A member's grace ends in lobby_peerDisconnect; a host's in lobby_closed.
  await waitUntil(
    () =>
      expired.every(({ lobbyId, name, hosted }) =>
        survivors.some((client) =>
          hosted
            ? client.all('lobby_closed').some((closed) => closed.lobbyId === lobbyId)
            : client
                .all('lobby_peerDisconnect')
                .some((left) => left.lobbyId === lobbyId && left.peerName === name),
        ),
      ),
    `every leaver's departure heard (seed ${seed})`,
    // Generous: a loaded CI machine runs many test files beside this one.
    graceMs + 10_000,
  );
}

/** A lobby of four, each player on a server `pick` draws; the host hears every join. */
async function openLobby(
  pick: () => OrionAddress,
  pool: ClientPool,
  onToken?: (token: string) => void,
): Promise<{ lobbyId: string; everyone: Peer[] }> {
  const hostServer = pick();
  const host: Peer = { client: await pool.connect(hostServer), name: 'Ann' };
  const created = await createLobby(hostServer, host.client, 'Ann');
  expect(created.status).toBe(201);
  const { lobbyId } = created.body as { lobbyId: string };
  const everyone = [host];
  for (const name of ['Bob', 'Cid', 'Dee']) {
    const server = pick();
    const client = await pool.connect(server);
    expect((await joinLobby(server, client, lobbyId, name)).status).toBe(200);
    everyone.push({ client, name });
    await waitUntil(
      () => host.client.all('lobby_peerConnect').some((joiner) => joiner.peerName === name),
      `the host hears ${name} join`,
    );
  }
  for (const peer of everyone) onToken?.(peer.client.token);
  return { lobbyId, everyone };
}
