import { describe, expect, it } from 'vitest';
import type { LobbyMember } from '../../lobbies/lobby.js';
import type { LobbyStore } from '../../lobbies/lobby-store.js';
import { startMediation, type Mediation } from '../mediation.js';
import type { MediationStore } from '../mediation-store.js';

const member = (clientId: string): LobbyMember => ({ clientId, name: clientId });
const endpoint = (n: number) => ({ ip: `10.0.0.${n}`, port: 4000 + n });

/** A mediation store and the lobby store its members' lobbies are found in. */
export interface MediationStores {
  store: MediationStore;
  lobbies: LobbyStore;
}

/**
 * What every MediationStore must do, run against each implementation (in memory always,
 * Redis when a server is available), so that they stay interchangeable.
 */
export function mediationStoreContract(makeStores: () => Promise<MediationStores>): void {
  const mediation = (lobbyId: string, ids = ['h1', 'm1']): Mediation =>
    startMediation(lobbyId, 'h1', ids.map(member), 1_000);

  /** The stores with lobby `lobbyId` holding `ids` (host first) and mediating among them. */
  async function mediating(lobbyId = 'AAAAA', ids = ['h1', 'm1'], lobbyIds = ids) {
    const stores = await makeStores();
    await stores.lobbies.insert({
      id: lobbyId,
      name: lobbyId,
      isPublic: false,
      maxMembers: 8,
      hostId: lobbyIds[0],
      members: lobbyIds.map(member),
      locked: true,
      createdAt: 1_000,
    });
    await stores.store.insert(mediation(lobbyId, ids));
    return stores.store;
  }

  describe('MediationStore contract', () => {
    it('inserts once per lobby, deletes once, and lists and counts', async () => {
      const { store } = await makeStores();
      expect(await store.insert(mediation('AAAAA'))).toBe(true);
      expect(await store.insert(mediation('AAAAA'))).toBe(false);
      await store.insert(mediation('BBBBB'));
      expect(await store.get('AAAAA')).toEqual(mediation('AAAAA'));
      expect(await store.get('ZZZZZ')).toBeUndefined();
      expect((await store.list()).map((m) => m.lobbyId).sort()).toEqual(['AAAAA', 'BBBBB']);
      expect(await store.count()).toBe(2);
      expect((await store.delete('AAAAA'))?.lobbyId).toBe('AAAAA');
      expect(await store.delete('AAAAA')).toBeUndefined();
      expect(await store.count()).toBe(1);
    });

    it("records each member's endpoint once and moves to connecting with the last, handing it back", async () => {
      // m2 joined the lobby's record without being one of the mediation's members.
      const store = await mediating('AAAAA', ['h1', 'm1'], ['h1', 'm1', 'm2']);
      expect(await store.recordEndpoint('h1', endpoint(1), 2_000)).toEqual({
        outcome: 'changed',
        lobbyId: 'AAAAA',
      });
      expect(await store.get('AAAAA')).toEqual({
        ...mediation('AAAAA'),
        endpoints: { h1: endpoint(1) },
      });
      expect(await store.recordEndpoint('h1', endpoint(9), 2_000)).toEqual({
        outcome: 'unchanged',
      });
      expect(await store.recordEndpoint('m2', endpoint(9), 2_000)).toEqual({
        outcome: 'unchanged',
      });
      expect(await store.recordEndpoint('stranger', endpoint(1), 2_000)).toEqual({
        outcome: 'missing',
      });
      const last = await store.recordEndpoint('m1', endpoint(2), 3_000);
      const connecting = {
        ...mediation('AAAAA'),
        endpoints: { h1: endpoint(1), m1: endpoint(2) },
        phase: 'connecting',
        phaseStartedAt: 3_000,
      };
      expect(last).toEqual({ outcome: 'changed', lobbyId: 'AAAAA', completed: connecting });
      expect(await store.get('AAAAA')).toEqual(connecting);
      expect(await store.recordEndpoint('m1', endpoint(3), 4_000)).toEqual({
        outcome: 'unchanged',
      });
    });

    it('finds nothing to record for a member of a lobby without a mediation', async () => {
      const store = await mediating('AAAAA');
      await store.delete('AAAAA');
      expect(await store.recordEndpoint('h1', endpoint(1), 2_000)).toEqual({ outcome: 'missing' });
      expect(await store.recordConnected('h1')).toEqual({ outcome: 'missing' });
    });

    it('records success reports only while connecting, once per member, handing back the last', async () => {
      const store = await mediating('AAAAA');
      expect(await store.recordConnected('h1')).toEqual({ outcome: 'unchanged' });
      await store.recordEndpoint('h1', endpoint(1), 2_000);
      await store.recordEndpoint('m1', endpoint(2), 2_000);
      expect(await store.recordConnected('m1')).toEqual({ outcome: 'changed', lobbyId: 'AAAAA' });
      expect(await store.recordConnected('m1')).toEqual({ outcome: 'unchanged' });
      expect(await store.recordConnected('stranger')).toEqual({ outcome: 'missing' });
      expect((await store.get('AAAAA'))?.connected).toEqual(['m1']);
      const last = await store.recordConnected('h1');
      expect(last.outcome === 'changed' && last.completed?.connected).toEqual(['m1', 'h1']);
    });

    it('deletes only in the given phase, when one is given', async () => {
      const { store } = await makeStores();
      await store.insert(mediation('AAAAA'));
      expect(await store.delete('AAAAA', 'connecting')).toBeUndefined();
      expect(await store.count()).toBe(1);
      const ended = await store.delete('AAAAA', 'collecting');
      expect(ended?.lobbyId).toBe('AAAAA');
      expect(await store.get('AAAAA')).toBeUndefined();
      expect(await store.count()).toBe(0);
      expect(await store.delete('AAAAA', 'collecting')).toBeUndefined();
    });

    it('loses no packet or report when every member sends at once', async () => {
      const ids = Array.from({ length: 8 }, (_, i) => (i === 0 ? 'h1' : `m${i}`));
      const store = await mediating('AAAAA', ids);
      const recorded = await Promise.all(
        ids.map((id, i) => store.recordEndpoint(id, endpoint(i), 2_000)),
      );
      expect(recorded.every((change) => change.outcome === 'changed')).toBe(true);
      const completing = recorded.filter(
        (change) => change.outcome === 'changed' && change.completed?.phase === 'connecting',
      );
      expect(completing).toHaveLength(1);
      const reported = await Promise.all(ids.map((id) => store.recordConnected(id)));
      expect(
        reported.filter((change) => change.outcome === 'changed' && change.completed),
      ).toHaveLength(1);
      expect((await store.get('AAAAA'))?.connected.sort()).toEqual([...ids].sort());
    });
  });
}
