import { Logger } from '@nestjs/common';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OrionEventBus } from '../common/orion-events.js';
import { RecordingEventBus, RecordingMessenger } from '../common/testing/recording-doubles.js';
import type { OrionErrorCode } from '../common/orion-error.js';
import type { ServerMessages, ServerMethod } from '@orion/protocol';
import { InMemoryLobbyStore } from './in-memory-lobby.store.js';
import type { ClientsService } from '../clients/clients.service.js';
import { LobbiesService, type CreateLobbyCommand } from './lobbies.service.js';
import type { Lobby, LobbyMember } from './lobby.js';
import type { LobbyListQuery } from './lobby-list-query.js';
import type { AddMemberResult } from './lobby-store.js';

const newLobby = (overrides: Partial<CreateLobbyCommand> = {}): CreateLobbyCommand => ({
  hostName: 'Host',
  lobbyName: 'Friday Night',
  isPublic: true,
  maxMembers: 4,
  ...overrides,
});

/** Resolves to the error code the promise rejects with; fails if it resolves. */
async function codeOf(promise: Promise<unknown>): Promise<OrionErrorCode> {
  const error = await promise.then(
    () => expect.fail('expected the call to be refused'),
    (reason: unknown) => reason,
  );
  expect(error).toHaveProperty('code');
  return (error as { code: OrionErrorCode }).code;
}

describe('LobbiesService', () => {
  let store: InMemoryLobbyStore;
  let messenger: RecordingMessenger;
  let events: RecordingEventBus;
  let lobbies: LobbiesService;
  /** Clients whose sockets have closed: everyone else counts as connected. */
  let gone: Set<string>;
  const clients = {
    isRegistered: async (clientId: string) => !gone.has(clientId),
  } as unknown as ClientsService;

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  beforeEach(() => {
    store = new InMemoryLobbyStore();
    messenger = new RecordingMessenger();
    events = new RecordingEventBus();
    gone = new Set();
    lobbies = new LobbiesService(store, messenger, events as unknown as OrionEventBus, clients);
  });

  const sent = (method: ServerMethod) => messenger.sent.filter((m) => m.method === method);
  const recipients = (method: ServerMethod) => sent(method).map((message) => message.to);

  /** A lobby hosted by c-host, joined by the given clients (named after their ids). */
  async function lobbyWith(joiners: string[], command = newLobby()): Promise<string> {
    const { lobbyId } = await lobbies.create('c-host', command);
    for (const clientId of joiners) await lobbies.join(clientId, lobbyId, clientId.slice(2));
    messenger.sent.length = 0;
    return lobbyId;
  }

  describe('a client that leaves while its create or join is under way', () => {
    // The store write can land after the disconnect clean-up looked for the client's lobby
    // (with a shared store, requests interleave); the service must then undo it.
    it('leaves a lobby it has just joined again, and the join is refused', async () => {
      const lobbyId = await lobbyWith(['c-ann']);
      const joining = lobbies.join('c-ghost', lobbyId, 'Ghost');
      gone.add('c-ghost');

      expect(await codeOf(joining)).toBe('CLIENT_UNREGISTERED');
      expect((await lobbies.get(lobbyId))?.members.map((m) => m.clientId)).toEqual([
        'c-host',
        'c-ann',
      ]);
      expect(await lobbies.lobbyIdOf('c-ghost')).toBeUndefined();
      expect(sent('lobby_peerDisconnect').map((m) => m.payload)).toContainEqual({
        lobbyId,
        peerName: 'Ghost',
      });
    });

    it('closes a lobby it has just created, and the create is refused', async () => {
      const creating = lobbies.create('c-ghost', newLobby());
      gone.add('c-ghost');

      expect(await codeOf(creating)).toBe('CLIENT_UNREGISTERED');
      expect(await lobbies.count()).toBe(0);
      expect(await lobbies.lobbyIdOf('c-ghost')).toBeUndefined();
    });
  });

  describe('creating a lobby', () => {
    it('makes the creator the host and only member, with a 5-character base-36 code', async () => {
      const created = await lobbies.create('c-host', newLobby());

      expect(created.lobbyName).toBe('Friday Night');
      expect(created.lobbyId).toMatch(/^[A-Z0-9]{5}$/);
      expect(await lobbies.get(created.lobbyId)).toMatchObject({
        hostId: 'c-host',
        members: [{ clientId: 'c-host', name: 'Host' }],
        locked: false,
        isPublic: true,
        maxMembers: 4,
      });
    });

    it.each([
      ['hosting', 'c-host'],
      ['a member of', 'c-ann'],
    ])('is refused to a client already %s a lobby', async (_role, clientId) => {
      await lobbyWith(['c-ann']);

      expect(await codeOf(lobbies.create(clientId, newLobby()))).toBe('ALREADY_IN_LOBBY');
      expect(await lobbies.count()).toBe(1);
    });

    it('gives up with LOBBY_ID_EXHAUSTED when every code it draws is taken', async () => {
      const fullStore = new (class extends InMemoryLobbyStore {
        override async insert(): Promise<boolean> {
          return false;
        }
      })();
      const service = new LobbiesService(
        fullStore,
        messenger,
        events as unknown as OrionEventBus,
        clients,
      );

      expect(await codeOf(service.create('c-host', newLobby()))).toBe('LOBBY_ID_EXHAUSTED');
    });

    it('lists only public lobbies, oldest first, with their member counts', async () => {
      const first = await lobbyWith(['c-ann'], newLobby({ lobbyName: 'First' }));
      await lobbies.create('c-hidden', newLobby({ lobbyName: 'Hidden', isPublic: false }));
      const second = (await lobbies.create('c-other', newLobby({ lobbyName: 'Second' }))).lobbyId;

      expect(await lobbies.listPublic()).toEqual({
        lobbies: [
          { name: 'First', id: first, currentMembers: 2, maxMembers: 4 },
          { name: 'Second', id: second, currentMembers: 1, maxMembers: 4 },
        ],
      });
    });
  });

  describe('joining a lobby', () => {
    it('lists the members in join order, host first and joiner last', async () => {
      const lobbyId = await lobbyWith(['c-ann']);

      expect(await lobbies.join('c-bob', lobbyId, 'Bob')).toEqual({
        lobbyId,
        lobbyName: 'Friday Night',
        lobbyMembers: ['Host', 'ann', 'Bob'],
        host: 'Host',
      });
    });

    it('tells the members who were already there, not the joiner', async () => {
      const lobbyId = await lobbyWith(['c-ann']);

      await lobbies.join('c-bob', lobbyId, 'Bob');

      expect(sent('lobby_peerConnect')).toEqual(
        ['c-host', 'c-ann'].map((to) => ({
          to,
          method: 'lobby_peerConnect',
          payload: { lobbyId, peerName: 'Bob' },
        })),
      );
    });

    it('accepts the lobby code in any letter case', async () => {
      const lobbyId = await lobbyWith([]);

      const joined = await lobbies.join('c-ann', ` ${lobbyId.toLowerCase()} `, 'Ann');

      expect(joined.lobbyId).toBe(lobbyId);
      expect((await lobbies.get(lobbyId))?.members.map((m) => m.name)).toEqual(['Host', 'Ann']);
    });

    it('is refused with LOBBY_NOT_FOUND for an unknown code', async () => {
      expect(await codeOf(lobbies.join('c-ann', 'ZZZZZ', 'Ann'))).toBe('LOBBY_NOT_FOUND');
    });

    it('is refused with LOBBY_FULL once maxMembers are in', async () => {
      const lobbyId = await lobbyWith(['c-ann'], newLobby({ maxMembers: 2 }));

      expect(await codeOf(lobbies.join('c-bob', lobbyId, 'Bob'))).toBe('LOBBY_FULL');
    });

    it('is refused with NAME_TAKEN when a member already uses the name', async () => {
      const lobbyId = await lobbyWith(['c-ann']);

      expect(await codeOf(lobbies.join('c-bob', lobbyId, 'Host'))).toBe('NAME_TAKEN');
    });

    it("is refused with NAME_TAKEN for a name that differs from a member's only in case or spacing", async () => {
      const lobbyId = await lobbyWith(['c-ann']);

      for (const lookAlike of ['Host ', 'HOST', 'ANN', 'Ａｎｎ']) {
        expect(await codeOf(lobbies.join('c-bob', lobbyId, lookAlike))).toBe('NAME_TAKEN');
      }
    });

    it('keeps the name exactly as the joiner chose it, whatever it compares as', async () => {
      const lobbyId = await lobbyWith(['c-ann']);

      const joined = await lobbies.join('c-bob', lobbyId, 'Bob  The Builder ');
      expect(joined.lobbyMembers).toEqual(['Host', 'ann', 'Bob  The Builder ']);
      expect(sent('lobby_peerConnect').map((m) => m.payload)).toContainEqual({
        lobbyId,
        peerName: 'Bob  The Builder ',
      });
    });

    it('is refused with LOBBY_LOCKED while mediation is underway', async () => {
      const lobbyId = await lobbyWith(['c-ann']);
      await lobbies.lockForMediation('c-host', lobbyId);

      expect(await codeOf(lobbies.join('c-bob', lobbyId, 'Bob'))).toBe('LOBBY_LOCKED');
    });

    it('is refused with ALREADY_IN_LOBBY to a client in another lobby', async () => {
      const lobbyId = await lobbyWith([]);
      await lobbies.create('c-other', newLobby());

      expect(await codeOf(lobbies.join('c-other', lobbyId, 'Other'))).toBe('ALREADY_IN_LOBBY');
    });

    it('changes nothing and tells nobody when refused', async () => {
      const lobbyId = await lobbyWith(['c-ann'], newLobby({ maxMembers: 2 }));
      const before = await lobbies.get(lobbyId);

      await codeOf(lobbies.join('c-bob', lobbyId, 'Bob'));

      expect(await lobbies.get(lobbyId)).toEqual(before);
      expect(await lobbies.lobbyIdOf('c-bob')).toBeUndefined();
      expect(messenger.sent).toEqual([]);
    });
  });

  describe('chatting', () => {
    it("delivers a member's message to every member, sender included", async () => {
      const lobbyId = await lobbyWith(['c-ann', 'c-bob']);
      const before = Date.now();

      await lobbies.chat('c-ann', lobbyId.toLowerCase(), 'hello all');

      expect(recipients('lobby_messaging_received')).toEqual(['c-host', 'c-ann', 'c-bob']);
      const { payload } = sent('lobby_messaging_received')[0];
      expect(payload).toEqual({
        lobbyId,
        message: { timestamp: expect.any(Number), senderName: 'ann', message: 'hello all' },
      });
      const { timestamp } = (payload as ServerMessages['lobby_messaging_received']).message;
      expect(timestamp).toBeGreaterThanOrEqual(before);
      expect(timestamp).toBeLessThanOrEqual(Date.now());
    });

    it('works while the lobby is locked for mediation', async () => {
      const lobbyId = await lobbyWith(['c-ann']);
      await lobbies.lockForMediation('c-host', lobbyId);

      await lobbies.chat('c-host', lobbyId, 'still here');

      expect(recipients('lobby_messaging_received')).toEqual(['c-host', 'c-ann']);
    });

    it.each([
      ['a client in no lobby', 'c-stranger', 'the lobby'],
      ['a member of another lobby', 'c-other', 'the lobby'],
      ['anyone, to a lobby that does not exist', 'c-ann', 'ZZZZZ'],
    ])('is refused with NOT_IN_LOBBY to %s', async (_who, clientId, target) => {
      const lobbyId = await lobbyWith(['c-ann']);
      await lobbies.create('c-other', newLobby());

      const code = await codeOf(
        lobbies.chat(clientId, target === 'the lobby' ? lobbyId : target, 'hi'),
      );

      expect(code).toBe('NOT_IN_LOBBY');
      expect(messenger.sent).toEqual([]);
    });
  });

  describe('locking for mediation', () => {
    async function insertLobby(lobby: Partial<Lobby>): Promise<string> {
      await store.insert({
        id: 'LOCK1',
        name: 'Crafted',
        isPublic: true,
        maxMembers: 4,
        hostId: 'c-host',
        members: [{ clientId: 'c-host', name: 'Host' }],
        locked: false,
        createdAt: 0,
        ...lobby,
      });
      return 'LOCK1';
    }

    it('locks the lobby for its host when at least 2 members are in', async () => {
      const lobbyId = await lobbyWith(['c-ann']);

      const locked = await lobbies.lockForMediation('c-host', lobbyId.toLowerCase());

      expect(locked).toMatchObject({ id: lobbyId, locked: true });
      expect((await lobbies.get(lobbyId))?.locked).toBe(true);
    });

    it('checks that the caller is the host before anything else', async () => {
      const lobbyId = await insertLobby({ locked: true });

      expect(await codeOf(lobbies.lockForMediation('c-ann', lobbyId))).toBe('NOT_HOST');
    });

    it('then refuses with MEDIATION_UNDERWAY a lobby that is already locked', async () => {
      const lobbyId = await insertLobby({ locked: true });

      expect(await codeOf(lobbies.lockForMediation('c-host', lobbyId))).toBe('MEDIATION_UNDERWAY');
    });

    it('then refuses with TOO_FEW_MEMBERS a host alone in the lobby', async () => {
      const lobbyId = await insertLobby({});

      expect(await codeOf(lobbies.lockForMediation('c-host', lobbyId))).toBe('TOO_FEW_MEMBERS');
      expect((await lobbies.get(lobbyId))?.locked).toBe(false);
    });

    it('refuses with LOBBY_NOT_FOUND an unknown lobby', async () => {
      expect(await codeOf(lobbies.lockForMediation('c-host', 'ZZZZZ'))).toBe('LOBBY_NOT_FOUND');
    });

    it('unlock lets new members join again', async () => {
      const lobbyId = await lobbyWith(['c-ann']);
      await lobbies.lockForMediation('c-host', lobbyId);

      await lobbies.unlock(lobbyId);

      await expect(lobbies.join('c-bob', lobbyId, 'Bob')).resolves.toMatchObject({ lobbyId });
    });
  });

  describe('a client disconnecting', () => {
    it('closes the lobby when it is the host: lobby_closed to the others, then lobby.closed', async () => {
      const lobbyId = await lobbyWith(['c-ann', 'c-bob']);

      await lobbies.onClientDisconnected({ clientId: 'c-host' });

      const closedFor = (to: string) => sent('lobby_closed').filter((m) => m.to === to);
      for (const member of ['c-ann', 'c-bob']) {
        expect(closedFor(member).map((m) => m.payload)).toEqual([
          { lobbyId, lobbyName: 'Friday Night' },
        ]);
      }
      expect(closedFor('c-host')).toEqual([]);
      expect(events.emitted).toEqual([{ event: 'lobby.closed', payload: { lobbyId } }]);
      expect(await lobbies.get(lobbyId)).toBeUndefined();
      expect(await lobbies.lobbyIdOf('c-ann')).toBeUndefined();
    });

    it('removes a member who is not the host: lobby_peerDisconnect to the rest, then lobby.memberLeft', async () => {
      const lobbyId = await lobbyWith(['c-ann', 'c-bob']);

      await lobbies.onClientDisconnected({ clientId: 'c-ann' });

      expect(sent('lobby_peerDisconnect')).toEqual(
        ['c-host', 'c-bob'].map((to) => ({
          to,
          method: 'lobby_peerDisconnect',
          payload: { lobbyId, peerName: 'ann' },
        })),
      );
      expect(events.emitted).toEqual([
        { event: 'lobby.memberLeft', payload: { lobbyId, clientId: 'c-ann', peerName: 'ann' } },
      ]);
      expect((await lobbies.get(lobbyId))?.members.map((m) => m.clientId)).toEqual([
        'c-host',
        'c-bob',
      ]);
      expect(await lobbies.lobbyIdOf('c-ann')).toBeUndefined();
    });

    it('tells the lobby once when two clean-ups of the same client race', async () => {
      await lobbyWith(['c-ann', 'c-bob']);

      await Promise.all([
        lobbies.onClientDisconnected({ clientId: 'c-ann' }),
        lobbies.onClientDisconnected({ clientId: 'c-ann' }),
      ]);

      expect(recipients('lobby_peerDisconnect')).toEqual(['c-host', 'c-bob']);
      expect(events.emitted.map((e) => e.event)).toEqual(['lobby.memberLeft']);
    });

    it('does nothing for a client in no lobby', async () => {
      await lobbyWith(['c-ann']);

      await lobbies.onClientDisconnected({ clientId: 'c-stranger' });

      expect(messenger.sent).toEqual([]);
      expect(events.emitted).toEqual([]);
    });
  });

  describe('leaving by request', () => {
    it('removes a member like a disconnect, then announces lobby.left', async () => {
      const lobbyId = await lobbyWith(['c-ann', 'c-bob']);

      expect(await lobbies.leaveByRequest('c-ann', lobbyId.toLowerCase())).toEqual({ lobbyId });

      expect(recipients('lobby_peerDisconnect')).toEqual(['c-host', 'c-bob']);
      expect(events.emitted.map((e) => e.event)).toEqual(['lobby.memberLeft', 'lobby.left']);
      expect(await lobbies.lobbyIdOf('c-ann')).toBeUndefined();
    });

    it('refuses with NOT_IN_LOBBY a client that is not a member of that lobby', async () => {
      const lobbyId = await lobbyWith(['c-ann']);
      const other = (await lobbies.create('c-other', newLobby())).lobbyId;

      expect(await codeOf(lobbies.leaveByRequest('c-stranger', lobbyId))).toBe('NOT_IN_LOBBY');
      expect(await codeOf(lobbies.leaveByRequest('c-ann', other))).toBe('NOT_IN_LOBBY');
      expect(await codeOf(lobbies.leaveByRequest('c-ann', 'ZZZZZ'))).toBe('NOT_IN_LOBBY');
      expect(await lobbies.lobbyIdOf('c-ann')).toBe(lobbyId);
    });

    it('hands a hostMigration lobby to the member present longest when its host leaves', async () => {
      const lobbyId = await lobbyWith(['c-ann', 'c-bob'], newLobby({ hostMigration: true }));

      await lobbies.leaveByRequest('c-host', lobbyId);

      expect(messenger.sent.map((m) => [m.to, m.method])).toEqual([
        ['c-ann', 'lobby_peerDisconnect'],
        ['c-bob', 'lobby_peerDisconnect'],
        ['c-ann', 'lobby_hostChanged'],
        ['c-bob', 'lobby_hostChanged'],
      ]);
      expect(sent('lobby_hostChanged')[0].payload).toEqual({ lobbyId, hostName: 'ann' });
      expect(events.emitted.map((e) => e.event)).toEqual(['lobby.hostHandedOver', 'lobby.left']);
      expect((await lobbies.get(lobbyId))?.hostId).toBe('c-ann');
    });

    it('closes a hostMigration lobby whose host leaves while it is locked', async () => {
      const lobbyId = await lobbyWith(['c-ann'], newLobby({ hostMigration: true }));
      await lobbies.lockForMediation('c-host', lobbyId);

      await lobbies.onClientDisconnected({ clientId: 'c-host' });

      expect(recipients('lobby_closed')).toEqual(['c-ann']);
      expect(sent('lobby_hostChanged')).toEqual([]);
      expect(await lobbies.get(lobbyId)).toBeUndefined();
    });
  });

  describe('kicking', () => {
    it('tells the kicked member lobby_kicked, the rest lobby_peerDisconnect, then aborts mediation', async () => {
      const lobbyId = await lobbyWith(['c-ann', 'c-bob']);

      expect(await lobbies.kick('c-host', lobbyId, ' ANN')).toEqual({ lobbyId, peerName: 'ann' });

      expect(messenger.sent.map((m) => [m.to, m.method])).toEqual([
        ['c-ann', 'lobby_kicked'],
        ['c-host', 'lobby_peerDisconnect'],
        ['c-bob', 'lobby_peerDisconnect'],
      ]);
      expect(events.emitted).toEqual([
        { event: 'lobby.kicked', payload: { lobbyId } },
        { event: 'lobby.memberLeft', payload: { lobbyId, clientId: 'c-ann', peerName: 'ann' } },
      ]);
    });

    it.each([
      ['c-ann', 'bob', 'NOT_HOST'],
      ['c-stranger', 'bob', 'NOT_IN_LOBBY'],
      ['c-host', 'host', 'CANNOT_KICK_SELF'],
      ['c-host', 'zed', 'NO_SUCH_MEMBER'],
    ])('refuses %s kicking %s with %s', async (clientId, name, code) => {
      const lobbyId = await lobbyWith(['c-ann', 'c-bob']);

      expect(await codeOf(lobbies.kick(clientId, lobbyId, name))).toBe(code);
      expect(messenger.sent).toEqual([]);
    });

    it('bans the kicked client for banMs with BANNED_FROM_LOBBY, not another client', async () => {
      const lobbyId = await lobbyWith(['c-ann']);
      await lobbies.kick('c-host', lobbyId, 'ann', 60_000);

      expect(await codeOf(lobbies.join('c-ann', lobbyId, 'Ann'))).toBe('BANNED_FROM_LOBBY');
      expect((await lobbies.join('c-new', lobbyId, 'Ann')).lobbyMembers).toEqual(['Host', 'Ann']);
    });
  });

  describe('updating a lobby', () => {
    it('changes what it is given, keeps the rest, and tells every member', async () => {
      const lobbyId = await lobbyWith(['c-ann'], newLobby({ data: { mode: 'ctf' } }));

      const settings = await lobbies.update('c-host', lobbyId, { isPublic: false });

      expect(settings).toEqual({
        lobbyId,
        lobbyName: 'Friday Night',
        isPublic: false,
        data: { mode: 'ctf' },
      });
      expect(recipients('lobby_updated')).toEqual(['c-host', 'c-ann']);
      expect(sent('lobby_updated')[0].payload).toEqual(settings);
      expect((await lobbies.listPublic()).lobbies).toEqual([]);
      expect((await lobbies.update('c-host', lobbyId, { data: {} })).data).toEqual({});
      expect((await lobbies.get(lobbyId))?.data).toBeUndefined();
    });

    it('refuses a member, a stranger and a locked lobby', async () => {
      const lobbyId = await lobbyWith(['c-ann']);

      expect(await codeOf(lobbies.update('c-ann', lobbyId, { lobbyName: 'X' }))).toBe('NOT_HOST');
      expect(await codeOf(lobbies.update('c-zed', lobbyId, { lobbyName: 'X' }))).toBe(
        'NOT_IN_LOBBY',
      );
      // An unknown code answers as a lobby the caller is not in: no hint which codes are taken.
      expect(await codeOf(lobbies.update('c-host', 'ZZZZZ', { lobbyName: 'X' }))).toBe(
        'NOT_IN_LOBBY',
      );
      expect(await codeOf(lobbies.kick('c-host', 'ZZZZZ', 'ann'))).toBe('NOT_IN_LOBBY');
      await lobbies.lockForMediation('c-host', lobbyId);
      expect(await codeOf(lobbies.update('c-host', lobbyId, { lobbyName: 'X' }))).toBe(
        'MEDIATION_UNDERWAY',
      );
      expect(messenger.sent).toEqual([]);
    });
  });

  describe('quick join', () => {
    it('seats the client in the oldest open public lobby without a password that matches', async () => {
      const full = await lobbyWith(['c-ann'], newLobby({ maxMembers: 2 }));
      await lobbies.create('c-pw', newLobby({ password: 'pw' }));
      await lobbies.create('c-priv', newLobby({ isPublic: false }));
      const { lobbyId: open } = await lobbies.create('c-open', newLobby({ data: { mode: 'dm' } }));
      messenger.sent.length = 0;

      const joined = await lobbies.quickJoin('c-zoe', 'Zoe', undefined);

      expect(joined.lobbyId).toBe(open);
      expect(joined.lobbyId).not.toBe(full);
      expect(recipients('lobby_peerConnect')).toEqual(['c-open']);
      const query: LobbyListQuery = {
        data: [{ key: 'mode', kind: 'equals', text: 'ctf' }],
        limit: 50,
      };
      expect(await codeOf(lobbies.quickJoin('c-yan', 'Yan', query))).toBe('NO_MATCHING_LOBBY');
      expect(await codeOf(lobbies.quickJoin('c-zoe', 'Zoe', undefined))).toBe('ALREADY_IN_LOBBY');
      // Also when no lobby matches at all.
      expect(await codeOf(lobbies.quickJoin('c-zoe', 'Zoe', query))).toBe('ALREADY_IN_LOBBY');
    });

    it('passes over a lobby whose seat went meanwhile, and one where the name is taken', async () => {
      const first = await lobbyWith([], newLobby({ maxMembers: 2 }));
      const second = (await lobbies.create('c-two', newLobby({ hostName: 'Zoe' }))).lobbyId;
      const third = (await lobbies.create('c-three', newLobby())).lobbyId;
      // The first fills up between the listing and the seat.
      const addMember = store.addMember.bind(store);
      let raced = false;
      store.addMember = async (...args: Parameters<typeof addMember>): Promise<AddMemberResult> => {
        if (!raced && args[0] === first) {
          raced = true;
          await addMember(first, { clientId: 'c-racer', name: 'Racer' });
        }
        return addMember(...args);
      };

      const joined = await lobbies.quickJoin('c-zoe', 'zoe', undefined);

      expect(joined.lobbyId).toBe(third);
      expect(second).not.toBe(third);
    });
  });

  describe('passwords and data', () => {
    const secret = 'hunter2-secret';

    it('keeps data as sent and the password only as a salted hash', async () => {
      const data = { version: '1.4.2', players: 4 };
      const { lobbyId } = await lobbies.create('c-host', newLobby({ password: secret, data }));
      const stored = (await lobbies.get(lobbyId))!;

      expect(stored.data).toEqual(data);
      expect(stored.passwordHash).toMatch(/^scrypt\$/);
      expect(JSON.stringify(stored)).not.toContain(secret);
    });

    it('stores no data for {} or null, and no password for null', async () => {
      const { lobbyId } = await lobbies.create('c-host', newLobby({ data: {}, password: null }));
      const other = await lobbies.create('c-other', newLobby({ data: null }));

      expect(await lobbies.get(lobbyId)).not.toHaveProperty('data');
      expect(await lobbies.get(lobbyId)).not.toHaveProperty('passwordHash');
      expect(await lobbies.get(other.lobbyId)).not.toHaveProperty('data');
    });

    it('refuses a join without the password with PASSWORD_REQUIRED, and a wrong one with WRONG_PASSWORD', async () => {
      const lobbyId = await lobbyWith([], newLobby({ password: secret }));

      expect(await codeOf(lobbies.join('c-ann', lobbyId, 'Ann'))).toBe('PASSWORD_REQUIRED');
      expect(await codeOf(lobbies.join('c-ann', lobbyId, 'Ann', null))).toBe('PASSWORD_REQUIRED');
      expect(await codeOf(lobbies.join('c-ann', lobbyId, 'Ann', 'hunter3'))).toBe('WRONG_PASSWORD');
      expect(messenger.sent).toEqual([]);
      expect((await lobbies.join('c-ann', lobbyId, 'Ann', secret)).lobbyMembers).toEqual([
        'Host',
        'Ann',
      ]);
    });

    it('asks for the password before saying the lobby is full, and ignores one a lobby does not need', async () => {
      const full = await lobbyWith([], newLobby({ password: secret, maxMembers: 2 }));
      await lobbies.join('c-ann', full, 'Ann', secret);
      expect(await codeOf(lobbies.join('c-bob', full, 'Bob'))).toBe('PASSWORD_REQUIRED');
      expect(await codeOf(lobbies.join('c-bob', full, 'Bob', secret))).toBe('LOBBY_FULL');

      const open = (await lobbies.create('c-other', newLobby())).lobbyId;
      expect((await lobbies.join('c-cat', open, 'Cat', 'anything')).host).toBe('Host');
    });

    it('refuses the password of a lobby whose code went to another lobby while it was checked', async () => {
      const racing = new (class extends InMemoryLobbyStore {
        override async addMember(
          lobbyId: string,
          member: LobbyMember,
          passwordHash?: string,
        ): Promise<AddMemberResult> {
          if (passwordHash === undefined) return super.addMember(lobbyId, member);
          // Between the two steps the lobby closes and a new one gets its code.
          const old = (await this.delete(lobbyId))!;
          await this.insert({ ...old, passwordHash: 'scrypt$another' });
          return super.addMember(lobbyId, member, passwordHash);
        }
      })();
      const service = new LobbiesService(
        racing,
        messenger,
        events as unknown as OrionEventBus,
        clients,
      );
      const { lobbyId } = await service.create('c-host', newLobby({ password: secret }));

      expect(await codeOf(service.join('c-ann', lobbyId, 'Ann', secret))).toBe('WRONG_PASSWORD');
      expect(await racing.lobbyIdOf('c-ann')).toBeUndefined();
    });

    describe('the list', () => {
      let plain: string;
      let locked: string;
      let tagged: string;

      beforeEach(async () => {
        plain = await lobbyWith([], newLobby({ lobbyName: 'Plain' }));
        locked = (await lobbies.create('c-2', newLobby({ lobbyName: 'Locked', password: secret })))
          .lobbyId;
        tagged = (
          await lobbies.create(
            'c-3',
            newLobby({ lobbyName: 'Tagged', maxMembers: 1, data: { mode: 'ctf' } }),
          )
        ).lobbyId;
        // Created in this order, but all in one millisecond is possible: order by the clock.
        let at = 1_000;
        for (const id of [plain, locked, tagged]) {
          const current = (await store.get(id))!;
          await store.delete(id);
          await store.insert({ ...current, createdAt: (at += 10) });
        }
      });

      it('shows a lobby created the original way as it always was, and the others with hasPassword and data', async () => {
        const listed = await lobbies.listPublic();

        expect(listed).toEqual({
          lobbies: [
            { name: 'Plain', id: plain, currentMembers: 1, maxMembers: 4 },
            {
              name: 'Locked',
              id: locked,
              currentMembers: 1,
              maxMembers: 4,
              hasPassword: true,
              data: {},
            },
            {
              name: 'Tagged',
              id: tagged,
              currentMembers: 1,
              maxMembers: 1,
              hasPassword: false,
              data: { mode: 'ctf' },
            },
          ],
        });
        expect(listed.lobbies[0]).not.toHaveProperty('hasPassword');
        expect(JSON.stringify(listed)).not.toMatch(/hunter2|scrypt|passwordHash/);
      });

      it('with a query, shows every lobby with hasPassword and data, and next', async () => {
        const listed = await lobbies.listPublic({ data: [], limit: 2 });

        expect(listed).toEqual({
          lobbies: [
            {
              name: 'Plain',
              id: plain,
              currentMembers: 1,
              maxMembers: 4,
              hasPassword: false,
              data: {},
            },
            {
              name: 'Locked',
              id: locked,
              currentMembers: 1,
              maxMembers: 4,
              hasPassword: true,
              data: {},
            },
          ],
          next: locked,
        });
        expect(await lobbies.listPublic({ data: [], limit: 2, after: locked })).toMatchObject({
          lobbies: [{ id: tagged }],
          next: null,
        });
      });

      it('filters', async () => {
        const ids = async (query: Partial<LobbyListQuery>) =>
          (await lobbies.listPublic({ data: [], limit: 50, ...query })).lobbies.map((l) => l.id);

        expect(await ids({ hasPassword: true })).toEqual([locked]);
        expect(await ids({ hasPassword: false })).toEqual([plain, tagged]);
        expect(await ids({ notFull: true })).toEqual([plain, locked]);
        expect(await ids({ data: [{ key: 'mode', kind: 'equals', text: 'ctf' }] })).toEqual([
          tagged,
        ]);
      });

      it('refuses a cursor that is not listed with CURSOR_NOT_LISTED', async () => {
        const hidden = (await lobbies.create('c-4', newLobby({ isPublic: false }))).lobbyId;

        for (const after of ['ZZZZZ', hidden]) {
          expect(await codeOf(lobbies.listPublic({ data: [], limit: 5, after }))).toBe(
            'CURSOR_NOT_LISTED',
          );
        }
      });
    });
  });

  describe('closing a lobby', () => {
    it('tells every member once and announces lobby.closed once, however often it is called', async () => {
      const lobbyId = await lobbyWith(['c-ann']);

      await lobbies.close(lobbyId, 'mediation succeeded');
      await lobbies.close(lobbyId, 'mediation succeeded');

      expect(recipients('lobby_closed')).toEqual(['c-host', 'c-ann']);
      expect(events.emitted).toEqual([{ event: 'lobby.closed', payload: { lobbyId } }]);
      expect(await lobbies.count()).toBe(0);
    });

    it('frees its members to host or join again', async () => {
      const lobbyId = await lobbyWith(['c-ann']);
      await lobbies.close(lobbyId, 'done');

      await expect(lobbies.create('c-ann', newLobby())).resolves.toHaveProperty('lobbyId');
      await expect(lobbies.create('c-host', newLobby())).resolves.toHaveProperty('lobbyId');
    });
  });
});
