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

    it('refuses to put a client in a second lobby, on insert and on join', async () => {
      const store = await makeStore();
      await store.insert(lobby('AAAAA', [member('h1'), member('m1')]));
      await store.insert(lobby('BBBBB', [member('h2')]));
      await expect(store.insert(lobby('CCCCC', [member('m1')]))).rejects.toBeInstanceOf(
        MemberInAnotherLobby,
      );
      await expect(store.addMember('BBBBB', member('m1'))).rejects.toEqual(
        new MemberInAnotherLobby('m1'),
      );
      // Checked before the lobby's existence, so a member learns nothing about other ids.
      await expect(store.addMember('ZZZZZ', member('m1'))).rejects.toEqual(
        new MemberInAnotherLobby('m1'),
      );
      expect(await store.addMember('AAAAA', member('m1'))).toEqual({ outcome: 'already_member' });
      expect(await store.get('CCCCC')).toBeUndefined();
      expect((await store.get('BBBBB'))?.members.map((m) => m.clientId)).toEqual(['h2']);
      expect(await store.lobbyIdOf('m1')).toBe('AAAAA');
    });

    it('seats members in join order and removes them, keeping the member index in step', async () => {
      const store = await makeStore();
      await store.insert(lobby('AAAAA', [member('h1'), member('m1')]));
      const seated = await store.addMember('AAAAA', member('m2', 'Ann'));
      expect(seated).toEqual({
        outcome: 'added',
        lobby: lobby('AAAAA', [member('h1'), member('m1'), member('m2', 'Ann')]),
      });
      expect(await store.get('AAAAA')).toEqual(
        lobby('AAAAA', [member('h1'), member('m1'), member('m2', 'Ann')]),
      );
      expect(await store.removeMember('AAAAA', 'm1')).toEqual({
        outcome: 'removed',
        lobby: lobby('AAAAA', [member('h1'), member('m2', 'Ann')]),
        left: member('m1'),
      });
      expect(await store.removeMember('AAAAA', 'm1')).toEqual({ outcome: 'missing' });
      expect(await store.removeMember('ZZZZZ', 'h1')).toEqual({ outcome: 'missing' });
      expect(await store.lobbyIdOf('m1')).toBeUndefined();
      expect(await store.lobbyIdOf('m2')).toBe('AAAAA');
      expect(await store.addMember('ZZZZZ', member('m3'))).toEqual({ outcome: 'missing' });
    });

    it('refuses a seat in a locked or full lobby, and locks only for its host', async () => {
      const store = await makeStore();
      await store.insert(lobby('AAAAA', [member('h1')], { maxMembers: 2 }));
      expect(await store.lock('AAAAA', 'h1', 2)).toEqual({ outcome: 'too_few' });
      await store.addMember('AAAAA', member('m1'));
      expect(await store.addMember('AAAAA', member('m2'))).toEqual({ outcome: 'full' });
      expect(await store.lock('AAAAA', 'm1', 2)).toEqual({ outcome: 'not_host' });
      expect(await store.lock('ZZZZZ', 'h1', 2)).toEqual({ outcome: 'missing' });
      const locked = await store.lock('AAAAA', 'h1', 2);
      expect(locked.outcome === 'locked' && locked.lobby.locked).toBe(true);
      expect(await store.lock('AAAAA', 'h1', 2)).toEqual({ outcome: 'already_locked' });
      await store.removeMember('AAAAA', 'm1');
      expect(await store.addMember('AAAAA', member('m2'))).toEqual({ outcome: 'locked' });
      await store.unlock('AAAAA');
      await store.unlock('ZZZZZ');
      expect((await store.get('AAAAA'))?.locked).toBe(false);
      expect((await store.addMember('AAAAA', member('m2'))).outcome).toBe('added');
    });

    it('deletes once, with its index, and lists what is left', async () => {
      const store = await makeStore();
      await store.insert(lobby('AAAAA', [member('h1'), member('m1')], { createdAt: 2_000 }));
      await store.insert(lobby('BBBBB', [member('h2')], { isPublic: false, createdAt: 1_000 }));
      await store.insert(lobby('CCCCC', [member('h3')], { createdAt: 3_000 }));
      expect((await store.list()).map((l) => l.id).sort()).toEqual(['AAAAA', 'BBBBB', 'CCCCC']);
      expect((await store.listPublic()).map((l) => l.id).sort()).toEqual(['AAAAA', 'CCCCC']);

      expect(await store.delete('AAAAA')).toEqual(
        lobby('AAAAA', [member('h1'), member('m1')], { createdAt: 2_000 }),
      );
      expect(await store.delete('AAAAA')).toBeUndefined();
      expect(await store.lobbyIdOf('m1')).toBeUndefined();
      expect(await store.lobbyIdOf('h1')).toBeUndefined();
      expect((await store.listPublic()).map((l) => l.id)).toEqual(['CCCCC']);
      expect(await store.count()).toBe(2);
      // The freed client may now join another lobby.
      expect((await store.addMember('CCCCC', member('m1'))).outcome).toBe('added');
    });

    it('lets exactly the free seats be taken when joins race', async () => {
      const store = await makeStore();
      await store.insert(lobby('AAAAA', [member('h1')], { maxMembers: 4 }));
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => store.addMember('AAAAA', member(`c${i}`))),
      );
      expect(results.filter((r) => r.outcome === 'added')).toHaveLength(3);
      expect(results.filter((r) => r.outcome === 'full')).toHaveLength(9);
      const members = (await store.get('AAAAA'))!.members.map((m) => m.clientId);
      expect(members).toHaveLength(4);
      for (const clientId of members) expect(await store.lobbyIdOf(clientId)).toBe('AAAAA');
    });

    it('keeps data, its order and its numbers exactly, and the password hash, through every step', async () => {
      const store = await makeStore();
      const data = {
        version: '1.4.2',
        players: 4,
        ratio: 1.4,
        sum: 0.1 + 0.2,
        big: Number.MAX_SAFE_INTEGER,
        huge: 1e21,
        tiny: 5e-324,
        negative: -7.25,
        zulu: 'sent before alpha',
        alpha: 'a/b "quoted" \\ back\nslash',
        unicode: 'Zoë 🚀 \ud800',
        empty: '',
      };
      const passwordHash = 'scrypt$16384$8$1$c2FsdA+/==$a2V5';
      const original = lobby('AAAAA', [member('h1')], { data, passwordHash, maxMembers: 3 });
      await store.insert(original);
      const expectIntact = (found: Lobby | undefined, step: string) => {
        expect(found?.data, step).toEqual(data);
        expect(Object.keys(found?.data ?? {}), step).toEqual(Object.keys(data));
        expect(found?.passwordHash, step).toBe(passwordHash);
      };
      expectIntact(await store.get('AAAAA'), 'get');
      const added = await store.addMember('AAAAA', member('m1'), passwordHash);
      expectIntact(added.outcome === 'added' ? added.lobby : undefined, 'addMember');
      await store.addMember('AAAAA', member('m2'), passwordHash);
      const locked = await store.lock('AAAAA', 'h1', 2);
      expectIntact(locked.outcome === 'locked' ? locked.lobby : undefined, 'lock');
      await store.unlock('AAAAA');
      expectIntact(await store.get('AAAAA'), 'unlock');
      const removed = await store.removeMember('AAAAA', 'm1');
      expectIntact(removed.outcome === 'removed' ? removed.lobby : undefined, 'removeMember');
      expectIntact((await store.listPublic())[0], 'listPublic');
      expectIntact(await store.findByMember('m2'), 'findByMember');
      expectIntact(await store.delete('AAAAA'), 'delete');
    });

    it('stores a lobby without data or password as it is, with neither field', async () => {
      const store = await makeStore();
      await store.insert(lobby('AAAAA', [member('h1')]));
      await store.addMember('AAAAA', member('m1'));
      const stored = await store.get('AAAAA');
      expect(stored).toEqual(lobby('AAAAA', [member('h1'), member('m1')]));
      expect(stored).not.toHaveProperty('data');
      expect(stored).not.toHaveProperty('passwordHash');
    });

    it('hands out the password hash instead of a seat until the joiner presents it, before the lock and capacity', async () => {
      const store = await makeStore();
      const passwordHash = 'scrypt$1$1$1$salt$key';
      await store.insert(lobby('AAAAA', [member('h1')], { passwordHash, maxMembers: 2 }));
      const refused = { outcome: 'password', passwordHash };
      expect(await store.addMember('AAAAA', member('m1'))).toEqual(refused);
      expect(await store.addMember('AAAAA', member('m1'), 'scrypt$1$1$1$salt$other')).toEqual(
        refused,
      );
      expect(await store.addMember('ZZZZZ', member('m1'))).toEqual({ outcome: 'missing' });
      expect(await store.lobbyIdOf('m1')).toBeUndefined();
      expect((await store.addMember('AAAAA', member('m1'), passwordHash)).outcome).toBe('added');
      expect(await store.addMember('AAAAA', member('m1'))).toEqual({ outcome: 'already_member' });
      // Full now, and locked: a joiner without the password still learns only that it needs one.
      await store.lock('AAAAA', 'h1', 2);
      expect(await store.addMember('AAAAA', member('m2'))).toEqual(refused);
      expect(await store.addMember('AAAAA', member('m2'), passwordHash)).toEqual({
        outcome: 'locked',
      });
      await store.unlock('AAAAA');
      expect(await store.addMember('AAAAA', member('m2'), passwordHash)).toEqual({
        outcome: 'full',
      });
      // A lobby without a password ignores one presented.
      await store.insert(lobby('BBBBB', [member('h2')]));
      expect((await store.addMember('BBBBB', member('m3'), passwordHash)).outcome).toBe('added');
    });

    it('lets only one of several look-alike names join when they race, and frees it on leaving', async () => {
      const store = await makeStore();
      await store.insert(lobby('AAAAA', [member('h1', 'Host')]));
      const joinAs = (clientId: string, name: string) =>
        store.addMember('AAAAA', member(clientId, name));
      const names = ['Mallory', 'Mallory ', 'mallory', 'MALLORY', 'Ｍａｌｌｏｒｙ', 'Mal lory'];
      const results = await Promise.all(names.map((name, i) => joinAs(`c${i}`, name)));
      expect(results.filter((r) => r.outcome === 'added')).toHaveLength(2);
      expect(results.filter((r) => r.outcome === 'name_taken')).toHaveLength(4);
      expect((await joinAs('c9', ' host')).outcome).toBe('name_taken');
      const stored = (await store.get('AAAAA'))!.members;
      expect(new Set(stored.map((m) => nameKey(m.name))).size).toBe(stored.length);

      const mallory = stored.find((m) => nameKey(m.name) === 'mallory')!;
      await store.removeMember('AAAAA', mallory.clientId);
      const late = await joinAs('late', 'mallory ');
      expect(late.outcome === 'added' && late.lobby.members.at(-1)).toEqual(
        member('late', 'mallory '),
      );
    });

    it('keeps the host in a lobby without hostMigration, and hands over only when it may', async () => {
      const store = await makeStore();
      await store.insert(lobby('AAAAA', [member('h1'), member('m1')]));
      expect(await store.removeMember('AAAAA', 'h1')).toEqual({ outcome: 'host' });
      expect((await store.get('AAAAA'))?.hostId).toBe('h1');

      await store.insert(
        lobby('BBBBB', [member('h2'), member('m2'), member('m3')], { hostMigration: true }),
      );
      expect(await store.removeMember('BBBBB', 'h2')).toEqual({
        outcome: 'removed',
        lobby: lobby('BBBBB', [member('m2'), member('m3')], { hostMigration: true }),
        left: member('h2'),
      });
      expect(await store.lobbyIdOf('h2')).toBeUndefined();
      // Locked: the host's departure closes the lobby, as without hostMigration.
      await store.lock('BBBBB', 'm2', 2);
      expect(await store.removeMember('BBBBB', 'm2')).toEqual({ outcome: 'host' });
      await store.unlock('BBBBB');
      expect((await store.removeMember('BBBBB', 'm2')).outcome).toBe('removed');
      // The last one left: nobody to hand over to.
      expect(await store.removeMember('BBBBB', 'm3')).toEqual({ outcome: 'host' });
      expect((await store.get('BBBBB'))?.members).toEqual([member('m3')]);
    });

    it('kicks a member by name key, only for the host, never the host itself', async () => {
      const store = await makeStore();
      await store.insert(
        lobby('AAAAA', [member('h1', 'Host'), member('m1', 'Ann'), member('m2', 'Bob')]),
      );
      await store.insert(lobby('BBBBB', [member('h2')]));
      expect(await store.kick('ZZZZZ', 'h1', nameKey('Ann'))).toEqual({ outcome: 'missing' });
      expect(await store.kick('AAAAA', 'h2', nameKey('Ann'))).toEqual({ outcome: 'not_member' });
      expect(await store.kick('AAAAA', 'm2', nameKey('Ann'))).toEqual({ outcome: 'not_host' });
      expect(await store.kick('AAAAA', 'h1', nameKey('Zed'))).toEqual({
        outcome: 'no_such_member',
      });
      expect(await store.kick('AAAAA', 'h1', nameKey('HOST'))).toEqual({ outcome: 'self' });
      expect(await store.kick('AAAAA', 'h1', nameKey(' ANN '))).toEqual({
        outcome: 'kicked',
        lobby: lobby('AAAAA', [member('h1', 'Host'), member('m2', 'Bob')]),
        kicked: member('m1', 'Ann'),
      });
      expect(await store.lobbyIdOf('m1')).toBeUndefined();
      // Without a ban the kicked client may come back at once, under the same name.
      expect((await store.addMember('AAAAA', member('m1', 'Ann'))).outcome).toBe('added');
    });

    it('refuses a banned client until its ban ends, after the password check', async () => {
      const store = await makeStore();
      await store.insert(lobby('AAAAA', [member('h1'), member('m1')]));
      const kicked = await store.kick('AAAAA', 'h1', nameKey('m1'), 10_000);
      expect(kicked.outcome).toBe('kicked');
      expect(await store.addMember('AAAAA', member('m1'), undefined, 9_999)).toEqual({
        outcome: 'banned',
      });
      // Another client may take the name.
      expect((await store.addMember('AAAAA', member('x1', 'm1'), undefined, 9_999)).outcome).toBe(
        'added',
      );
      await store.removeMember('AAAAA', 'x1');
      const back = await store.addMember('AAAAA', member('m1'), undefined, 10_000);
      expect(back.outcome).toBe('added');
      // The expired ban is gone from the record.
      expect(back.outcome === 'added' && back.lobby.bans).toBeUndefined();

      await store.insert(lobby('BBBBB', [member('h2')], { passwordHash: 'hash' }));
      await store.addMember('BBBBB', member('m2'), 'hash');
      await store.kick('BBBBB', 'h2', nameKey('m2'), 10_000);
      expect(await store.addMember('BBBBB', member('m2'), undefined, 0)).toEqual({
        outcome: 'password',
        passwordHash: 'hash',
      });
      expect(await store.addMember('BBBBB', member('m2'), 'hash', 0)).toEqual({
        outcome: 'banned',
      });
    });

    it('updates name, visibility and data for the host while unlocked, keeping the public index', async () => {
      const store = await makeStore();
      await store.insert(
        lobby('AAAAA', [member('h1'), member('m1')], {
          data: { mode: 'ctf', big: 12345678901.25 },
        }),
      );
      expect(await store.update('ZZZZZ', 'h1', { name: 'x' })).toEqual({ outcome: 'missing' });
      expect(await store.update('AAAAA', 'zz', { name: 'x' })).toEqual({ outcome: 'not_member' });
      expect(await store.update('AAAAA', 'm1', { name: 'x' })).toEqual({ outcome: 'not_host' });
      const renamed = await store.update('AAAAA', 'h1', { name: 'Renamed' });
      expect(renamed).toEqual({
        outcome: 'updated',
        lobby: lobby('AAAAA', [member('h1'), member('m1')], {
          name: 'Renamed',
          data: { mode: 'ctf', big: 12345678901.25 },
        }),
      });
      await store.update('AAAAA', 'h1', { isPublic: false });
      expect(await store.listPublic()).toEqual([]);
      expect((await store.get('AAAAA'))?.isPublic).toBe(false);
      await store.update('AAAAA', 'h1', { isPublic: true, data: { map: 'harbor', n: 0.1 } });
      expect((await store.listPublic()).map((l) => [l.id, l.data])).toEqual([
        ['AAAAA', { map: 'harbor', n: 0.1 }],
      ]);
      const cleared = await store.update('AAAAA', 'h1', { data: null });
      expect(cleared.outcome === 'updated' && 'data' in cleared.lobby).toBe(false);
      expect((await store.get('AAAAA'))?.data).toBeUndefined();
      await store.lock('AAAAA', 'h1', 2);
      expect(await store.update('AAAAA', 'h1', { name: 'x' })).toEqual({ outcome: 'locked' });
      expect((await store.get('AAAAA'))?.name).toBe('Renamed');
    });

    it('lets exactly one of two racing joins take the last seat', async () => {
      const store = await makeStore();
      await store.insert(lobby('AAAAA', [member('h1')], { maxMembers: 2 }));
      const results = await Promise.all([
        store.addMember('AAAAA', member('q1')),
        store.addMember('AAAAA', member('q2')),
      ]);
      expect(results.map((r) => r.outcome).sort()).toEqual(['added', 'full']);
      expect((await store.get('AAAAA'))?.members).toHaveLength(2);
    });

    it('keeps the member index in step when a kick races a join of the same name', async () => {
      const store = await makeStore();
      await store.insert(lobby('AAAAA', [member('h1'), member('m1', 'Ann')]));
      const [kicked, joined] = await Promise.all([
        store.kick('AAAAA', 'h1', nameKey('Ann'), 5_000),
        store.addMember('AAAAA', member('m2', 'ann'), undefined, 0),
      ]);
      expect(kicked.outcome).toBe('kicked');
      // Either order is atomic: the join saw Ann (name_taken) or took her freed name.
      expect(['added', 'name_taken']).toContain(joined.outcome);
      const after = await store.get('AAAAA');
      const ids = after!.members.map((m) => m.clientId);
      expect(ids).not.toContain('m1');
      expect(await store.lobbyIdOf('m1')).toBeUndefined();
      expect(await store.lobbyIdOf('m2')).toBe(joined.outcome === 'added' ? 'AAAAA' : undefined);
      expect(await store.addMember('AAAAA', member('m1', 'Zed'), undefined, 0)).toEqual({
        outcome: 'banned',
      });
    });
  });
}
