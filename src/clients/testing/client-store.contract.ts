import { describe, expect, it } from 'vitest';
import type { ClientStore } from '../client-store.js';

/**
 * What every ClientStore must do, run against each implementation (in memory always,
 * Redis when a server is available), so that they stay interchangeable.
 */
export function clientStoreContract(makeStore: () => Promise<ClientStore>): void {
  describe('ClientStore contract', () => {
    it('finds a client by id and by token until it is deleted, once', async () => {
      const store = await makeStore();
      await store.insert({ id: 'c1', token: 't1', connectedAt: 5, replicaId: 'r1' });
      await store.insert({ id: 'c2', token: 't2', connectedAt: 6, replicaId: 'r2' });
      expect(await store.get('c1')).toEqual({
        id: 'c1',
        token: 't1',
        connectedAt: 5,
        replicaId: 'r1',
      });
      expect((await store.findByToken('t2'))?.id).toBe('c2');
      expect(await store.findByToken('nope')).toBeUndefined();
      expect(await store.count()).toBe(2);
      expect((await store.delete('c1'))?.id).toBe('c1');
      expect(await store.delete('c1')).toBeUndefined();
      expect(await store.findByToken('t1')).toBeUndefined();
      expect(await store.count()).toBe(1);
    });

    it("lists each replica's clients, and forgets a client once it is deleted", async () => {
      const store = await makeStore();
      await store.insert({ id: 'a1', token: 'ta1', connectedAt: 1, replicaId: 'A' });
      await store.insert({ id: 'b1', token: 'tb1', connectedAt: 2, replicaId: 'B' });
      await store.insert({ id: 'a2', token: 'ta2', connectedAt: 3, replicaId: 'A' });
      expect((await store.idsOnReplica('A')).sort()).toEqual(['a1', 'a2']);
      expect(await store.idsOnReplica('B')).toEqual(['b1']);
      await store.delete('a1');
      expect(await store.idsOnReplica('A')).toEqual(['a2']);
      expect(await store.idsOnReplica('C')).toEqual([]);
    });

    describe('reconnection', () => {
      const client = { id: 'c1', token: 't1', connectedAt: 1_700_000_000_123, replicaId: 'A' };
      const awayUntil = 1_700_000_015_123;

      it('marks a client away, found so by id and by token; not a client that is gone', async () => {
        const store = await makeStore();
        await store.insert(client);
        expect(await store.markAway('c1', awayUntil)).toBe(true);
        expect(await store.get('c1')).toEqual({ ...client, awayUntil });
        expect(await store.findByToken('t1')).toEqual({ ...client, awayUntil });
        expect(await store.idsOnReplica('A')).toEqual(['c1']);
        expect(await store.count()).toBe(1);
        expect(await store.markAway('nobody', awayUntil)).toBe(false);
        expect(await store.get('nobody')).toBeUndefined();
      });

      it('resumes an away client on a replica: attached there, away no longer, by id and token', async () => {
        const store = await makeStore();
        await store.insert(client);
        await store.markAway('c1', awayUntil);
        const resumed = { ...client, replicaId: 'B' };
        expect(await store.resume('t1', 'B')).toEqual({
          outcome: 'resumed',
          client: resumed,
          wasAway: true,
          previousReplicaId: 'A',
        });
        expect(await store.get('c1')).toEqual(resumed);
        expect(await store.findByToken('t1')).toEqual(resumed);
        expect(await store.idsOnReplica('B')).toEqual(['c1']);
        expect(await store.idsOnReplica('A')).toEqual([]);
      });

      it('resumes a client still attached to the same replica (a takeover), not one attached to another', async () => {
        const store = await makeStore();
        await store.insert(client);
        expect(await store.resume('t1', 'B')).toEqual({
          outcome: 'elsewhere',
          clientId: 'c1',
          replicaId: 'A',
        });
        expect(await store.get('c1')).toEqual(client);
        expect(await store.resume('t1', 'A')).toEqual({
          outcome: 'resumed',
          client,
          wasAway: false,
          previousReplicaId: 'A',
        });
      });

      it('takes over a client attached to another replica only from the replica named', async () => {
        const store = await makeStore();
        await store.insert(client);
        expect(await store.resume('t1', 'B', 'C')).toMatchObject({ outcome: 'elsewhere' });
        const resumed = { ...client, replicaId: 'B' };
        expect(await store.resume('t1', 'B', 'A')).toEqual({
          outcome: 'resumed',
          client: resumed,
          wasAway: false,
          previousReplicaId: 'A',
        });
        expect(await store.findByToken('t1')).toEqual(resumed);
        expect(await store.idsOnReplica('A')).toEqual([]);
        // From B now: a later takeover must name B.
        expect(await store.resume('t1', 'C', 'A')).toMatchObject({
          outcome: 'elsewhere',
          replicaId: 'B',
        });
      });

      it('resumes nobody with an unknown token, or once the client is deleted', async () => {
        const store = await makeStore();
        await store.insert(client);
        await store.markAway('c1', awayUntil);
        expect(await store.resume('t2', 'A')).toEqual({ outcome: 'unknown' });
        await store.delete('c1');
        expect(await store.resume('t1', 'A')).toEqual({ outcome: 'unknown' });
        expect(await store.count()).toBe(0);
      });

      it('expires a client only while it is away with exactly that awayUntil, once', async () => {
        const store = await makeStore();
        await store.insert(client);
        expect(await store.expire('c1', awayUntil)).toBeUndefined();
        await store.markAway('c1', awayUntil);
        expect(await store.expire('c1', awayUntil + 1)).toBeUndefined();
        expect(await store.expire('c1', awayUntil)).toEqual({ ...client, awayUntil });
        expect(await store.expire('c1', awayUntil)).toBeUndefined();
        expect(await store.get('c1')).toBeUndefined();
        expect(await store.findByToken('t1')).toBeUndefined();
        expect(await store.count()).toBe(0);
      });

      it('does not expire a client that was resumed, nor one away again since', async () => {
        const store = await makeStore();
        await store.insert(client);
        await store.markAway('c1', awayUntil);
        await store.resume('t1', 'A');
        expect(await store.expire('c1', awayUntil)).toBeUndefined();
        await store.markAway('c1', awayUntil + 5_000);
        expect(await store.expire('c1', awayUntil)).toBeUndefined();
        expect((await store.get('c1'))?.awayUntil).toBe(awayUntil + 5_000);
      });

      it('lets exactly one of two racing resumes of an away client find it away', async () => {
        const store = await makeStore();
        await store.insert(client);
        await store.markAway('c1', awayUntil);
        const results = await Promise.all([store.resume('t1', 'A'), store.resume('t1', 'A')]);
        const wasAway = results.map((result) => result.outcome === 'resumed' && result.wasAway);
        expect(wasAway.sort()).toEqual([false, true]);
      });
    });
  });
}
