import { describe, expect, it } from 'vitest';
import type { LobbyMember } from '../../lobbies/lobby.js';
import { startMediation, type Mediation } from '../mediation.js';
import type { MediationStore } from '../mediation-store.js';

const member = (clientId: string): LobbyMember => ({ clientId, name: clientId });

/**
 * What every MediationStore must do, run against each implementation (in memory always,
 * Redis when a server is available), so that they stay interchangeable.
 */
export function mediationStoreContract(makeStore: () => Promise<MediationStore>): void {
  const mediation = (lobbyId: string): Mediation =>
    startMediation(lobbyId, 'h1', [member('h1'), member('m1')]);

  describe('MediationStore contract', () => {
    it('inserts once per lobby, updates, deletes once, and lists and counts', async () => {
      const store = await makeStore();
      expect(await store.insert(mediation('AAAAA'))).toBe(true);
      expect(await store.insert(mediation('AAAAA'))).toBe(false);
      await store.insert(mediation('BBBBB'));
      const moved = await store.update('AAAAA', (current) => ({
        ...current,
        endpoints: { h1: { ip: '10.0.0.1', port: 4000 } },
      }));
      expect(moved?.endpoints).toEqual({ h1: { ip: '10.0.0.1', port: 4000 } });
      expect((await store.get('AAAAA'))?.endpoints).toEqual(moved?.endpoints);
      expect(await store.update('AAAAA', () => undefined)).toBeUndefined();
      expect((await store.get('AAAAA'))?.endpoints).toEqual(moved?.endpoints);
      expect(await store.update('ZZZZZ', (current) => current)).toBeUndefined();
      expect((await store.list()).map((m) => m.lobbyId).sort()).toEqual(['AAAAA', 'BBBBB']);
      expect(await store.count()).toBe(2);
      expect((await store.delete('AAAAA'))?.lobbyId).toBe('AAAAA');
      expect(await store.delete('AAAAA')).toBeUndefined();
      expect(await store.count()).toBe(1);
    });

    it('deletes only while the condition holds, when one is given', async () => {
      const store = await makeStore();
      await store.insert(mediation('AAAAA'));
      expect(await store.delete('AAAAA', (current) => current.phase === 'connecting')).toBe(
        undefined,
      );
      expect(await store.count()).toBe(1);
      const ended = await store.delete('AAAAA', (current) => current.phase === 'collecting');
      expect(ended?.lobbyId).toBe('AAAAA');
      expect(await store.get('AAAAA')).toBeUndefined();
      expect(await store.count()).toBe(0);
      expect(await store.delete('AAAAA', () => true)).toBeUndefined();
    });

    it('loses no concurrent change', async () => {
      const store = await makeStore();
      await store.insert(mediation('AAAAA'));
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.update('AAAAA', (current) => ({
            ...current,
            connected: [...current.connected, `c${i}`],
          })),
        ),
      );
      expect((await store.get('AAAAA'))?.connected).toHaveLength(10);
    });
  });
}
