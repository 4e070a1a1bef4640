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
  });
}
