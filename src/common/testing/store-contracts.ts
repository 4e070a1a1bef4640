import { describe, expect, it } from 'vitest';
import type { ClientStore } from '../../clients/client-store.js';
import type { Lobby, LobbyMember } from '../../lobbies/lobby.js';
import { nameKey } from '../../lobbies/name-key.js';
import { MemberInAnotherLobby, type LobbyStore } from '../../lobbies/lobby-store.js';
import { startMediation, type Mediation } from '../../mediation/mediation.js';
import type { MediationStore } from '../../mediation/mediation-store.js';

/**
 * What every implementation of the store interfaces must do, run against each of them
 * (in memory always, Redis when a server is available), so they stay interchangeable.
 */

const member = (clientId: string, name = clientId): LobbyMember => ({ clientId, name });

function lobby(id: string, members: LobbyMember[], overrides: Partial<Lobby> = {}): Lobby {
  return {
    id,
    name: `${id} lobby`,
    isPublic: true,
    maxMembers: 8,
    hostId: members[0].clientId,
    members,
    locked: false,
    createdAt: 1_000,
    ...overrides,
  };
}

const joined = (current: Lobby, clientId: string): Lobby => ({
  ...current,
  members: [...current.members, member(clientId)],
});

export function lobbyStoreContract(makeStore: () => Promise<LobbyStore>): void {
  describe('LobbyStore contract', () => {
    it('inserts once per id and finds the lobby by id and by member', async () => {
      const store = await makeStore();
      expect(await store.insert(lobby('AAAAA', [member('h1')]))).toBe(true);
      expect(await store.insert(lobby('AAAAA', [member('h2')]))).toBe(false);
      expect((await store.get('AAAAA'))?.hostId).toBe('h1');
      expect((await store.findByMember('h1'))?.id).toBe('AAAAA');
      expect(await store.lobbyIdOf('h1')).toBe('AAAAA');
      expect(await store.lobbyIdOf('h2')).toBeUndefined();
      expect(await store.get('ZZZZZ')).toBeUndefined();
      expect(await store.count()).toBe(1);
    });

    it('refuses to put a client in a second lobby, on insert and on update', async () => {
      const store = await makeStore();
      await store.insert(lobby('AAAAA', [member('h1'), member('m1')]));
      await store.insert(lobby('BBBBB', [member('h2')]));
      await expect(store.insert(lobby('CCCCC', [member('m1')]))).rejects.toBeInstanceOf(
        MemberInAnotherLobby,
      );
      await expect(store.update('BBBBB', (current) => joined(current, 'm1'))).rejects.toEqual(
        new MemberInAnotherLobby('m1'),
      );
      expect(await store.get('CCCCC')).toBeUndefined();
      expect((await store.get('BBBBB'))?.members.map((m) => m.clientId)).toEqual(['h2']);
      expect(await store.lobbyIdOf('m1')).toBe('AAAAA');
    });

    it('applies a change, keeps the member index in step, and writes nothing when the change throws', async () => {
      const store = await makeStore();
      await store.insert(lobby('AAAAA', [member('h1'), member('m1')]));
      const updated = await store.update('AAAAA', (current) => ({
        ...joined(current, 'm2'),
        members: [current.members[0], member('m2')],
      }));
      expect(updated?.members.map((m) => m.clientId)).toEqual(['h1', 'm2']);
      expect(await store.lobbyIdOf('m1')).toBeUndefined();
      expect(await store.lobbyIdOf('m2')).toBe('AAAAA');

      await expect(
        store.update('AAAAA', () => {
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      expect((await store.get('AAAAA'))?.members).toEqual(updated?.members);
      expect(await store.update('ZZZZZ', (current) => current)).toBeUndefined();
    });

    it('deletes once, with its index, and lists what is left', async () => {
      const store = await makeStore();
      await store.insert(lobby('AAAAA', [member('h1'), member('m1')], { createdAt: 2_000 }));
      await store.insert(lobby('BBBBB', [member('h2')], { isPublic: false, createdAt: 1_000 }));
      await store.insert(lobby('CCCCC', [member('h3')], { createdAt: 3_000 }));
      expect((await store.list()).map((l) => l.id).sort()).toEqual(['AAAAA', 'BBBBB', 'CCCCC']);
      expect((await store.listPublic()).map((l) => l.id).sort()).toEqual(['AAAAA', 'CCCCC']);

      expect((await store.delete('AAAAA'))?.id).toBe('AAAAA');
      expect(await store.delete('AAAAA')).toBeUndefined();
      expect(await store.lobbyIdOf('m1')).toBeUndefined();
      expect(await store.lobbyIdOf('h1')).toBeUndefined();
      expect((await store.listPublic()).map((l) => l.id)).toEqual(['CCCCC']);
      expect(await store.count()).toBe(2);
      // The freed client may now join another lobby.
      expect((await store.update('CCCCC', (current) => joined(current, 'm1')))?.id).toBe('CCCCC');
    });

    it('lets exactly the free seats be taken when joins race', async () => {
      const store = await makeStore();
      await store.insert(lobby('AAAAA', [member('h1')], { maxMembers: 4 }));
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) =>
          store.update('AAAAA', (current) => {
            if (current.members.length >= current.maxMembers) throw new Error('full');
            return joined(current, `c${i}`);
          }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      const members = (await store.get('AAAAA'))!.members.map((m) => m.clientId);
      expect(members).toHaveLength(4);
      for (const clientId of members) expect(await store.lobbyIdOf(clientId)).toBe('AAAAA');
    });

    // The lobby's name rule checks the record inside `change`; this is what makes it hold.
    it('lets only one of several look-alike names join when they race, and frees it on leaving', async () => {
      const store = await makeStore();
      await store.insert(lobby('AAAAA', [member('h1', 'Host')]));
      const joinAs = (clientId: string, name: string) =>
        store.update('AAAAA', (current) => {
          const taken = current.members.some((m) => nameKey(m.name) === nameKey(name));
          if (taken) throw new Error('name taken');
          return { ...current, members: [...current.members, member(clientId, name)] };
        });
      const names = ['Mallory', 'Mallory ', 'mallory', 'MALLORY', 'Ｍａｌｌｏｒｙ', 'Mal lory'];
      const results = await Promise.allSettled(names.map((name, i) => joinAs(`c${i}`, name)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
      const stored = (await store.get('AAAAA'))!.members;
      expect(new Set(stored.map((m) => nameKey(m.name))).size).toBe(stored.length);

      const mallory = stored.find((m) => nameKey(m.name) === 'mallory')!;
      await store.update('AAAAA', (current) => ({
        ...current,
        members: current.members.filter((m) => m.clientId !== mallory.clientId),
      }));
      expect((await joinAs('late', 'mallory '))?.members.at(-1)).toEqual(
        member('late', 'mallory '),
      );
    });
  });
}

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
