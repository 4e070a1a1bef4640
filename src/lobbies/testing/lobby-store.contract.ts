import { describe, expect, it } from 'vitest';
import type { Lobby, LobbyMember } from '../lobby.js';
import { MemberInAnotherLobby, type LobbyStore } from '../lobby-store.js';
import { nameKey } from '../name-key.js';

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

/**
 * What every LobbyStore must do, run against each implementation (in memory always,
 * Redis when a server is available), so that they stay interchangeable.
 */
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
