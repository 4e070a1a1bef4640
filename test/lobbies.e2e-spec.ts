import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Errors } from '../src/common/orion-error.js';
import {
  ClientPool,
  LOBBY_ID_PATTERN,
  UNREGISTERED,
  createLobby,
  expectErrors,
  expectNothingReceived,
  joinLobby,
  listLobbies,
  lobbyBody,
  lobbyWithMembers,
  mark,
  postJoin,
  postStart,
  startMediation,
} from './support/flows/http-flows.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import { waitUntil } from './support/timing.js';

const message = {
  alreadyInLobby: Errors.alreadyInLobby().message,
  lobbyNotFound: Errors.lobbyNotFound().message,
  lobbyLocked: Errors.lobbyLocked().message,
  lobbyFull: Errors.lobbyFull().message,
  nameTaken: Errors.nameTaken().message,
  notHost: Errors.notHost().message,
  tooFewMembers: Errors.tooFewMembers().message,
  mediationUnderway: Errors.mediationUnderway().message,
};

/** A lobby id that is well formed but was never handed out by this server. */
function unusedLobbyId(taken: string[]): string {
  for (const candidate of ['ZZZZZ', 'YYYYY', '00000']) {
    if (!taken.includes(candidate)) return candidate;
  }
  throw new Error('unreachable');
}

describe('HTTP lobby API', () => {
  let orion: OrionTestApp;
  let pool: ClientPool;
  let http: string;

  beforeEach(async () => {
    orion = await startOrion();
    http = orion.httpUrl;
    pool = new ClientPool(() => orion.wsUrl);
  });

  afterEach(async () => {
    await pool.closeAll();
    await orion.close();
  });

  describe('GET /ping', () => {
    it('answers 200 with the text pong', async () => {
      const response = await request(http).get('/ping');
      expect(response.status).toBe(200);
      expect(response.text).toBe('pong');
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
    });
  });

  describe('CORS', () => {
    it('a request with an Origin header gets access-control-allow-origin', async () => {
      const response = await request(http).get('/lobbies').set('Origin', 'http://game.example');
      expect(response.status).toBe(200);
      expect(response.headers['access-control-allow-origin']).toBe('*');
    });

    it('a preflight for POST /lobbies is allowed from any origin', async () => {
      const response = await request(http)
        .options('/lobbies')
        .set('Origin', 'http://game.example')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'content-type');
      expect(response.status).toBeLessThan(300);
      expect(response.headers['access-control-allow-origin']).toBe('*');
      expect(response.headers['access-control-allow-methods']).toMatch(/POST/);
    });
  });

  describe('GET /lobbies', () => {
    it('lists no lobbies when none exist', async () => {
      const response = await request(http).get('/lobbies');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ lobbies: [] });
    });

    it('lists only public lobbies, each as {name, id, currentMembers, maxMembers}', async () => {
      const [publicHost, privateHost] = await pool.connectMany(2);
      const open = await createLobby(http, publicHost, {
        lobbyName: 'Open Lobby',
        isPublic: true,
        maxMembers: 8,
      });
      await createLobby(http, privateHost, { lobbyName: 'Secret', isPublic: false });

      const response = await request(http).get('/lobbies');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        lobbies: [{ name: 'Open Lobby', id: open.lobbyId, currentMembers: 1, maxMembers: 8 }],
      });
    });

    it('a private lobby is hidden from the list but can still be joined by its id', async () => {
      const [host, guest] = await pool.connectMany(2);
      const { lobbyId } = await createLobby(http, host, { isPublic: false });
      expect(await listLobbies(http)).toEqual([]);
      const joined = await joinLobby(http, guest, lobbyId, 'Guest');
      expect(joined.lobbyMembers).toEqual(['Host', 'Guest']);
    });

    it('currentMembers follows joins and leaves', async () => {
      const { lobbyId, members } = await lobbyWithMembers(http, pool, ['Ann', 'Ben']);
      expect(await listLobbies(http)).toEqual([
        { name: 'Friday Night', id: lobbyId, currentMembers: 3, maxMembers: 4 },
      ]);

      await members[0].close();
      await waitUntil(
        async () => (await listLobbies(http))[0]?.currentMembers === 2,
        'the leaver is no longer counted',
      );

      const late = await pool.connect();
      await joinLobby(http, late, lobbyId, 'Cat');
      expect((await listLobbies(http))[0].currentMembers).toBe(3);
    });

    it('a closed lobby disappears from the list', async () => {
      const [hostA, hostB] = await pool.connectMany(2);
      const a = await createLobby(http, hostA, { lobbyName: 'Lobby A' });
      const b = await createLobby(http, hostB, { lobbyName: 'Lobby B' });
      expect((await listLobbies(http)).map((lobby) => lobby.id).sort()).toEqual(
        [a.lobbyId, b.lobbyId].sort(),
      );

      await hostA.close();
      await waitUntil(
        async () => (await listLobbies(http)).length === 1,
        'the closed lobby is gone',
      );
      expect((await listLobbies(http)).map((lobby) => lobby.id)).toEqual([b.lobbyId]);
    });
  });

  describe('POST /lobbies', () => {
    it('creates a lobby: 201 with {lobbyName, lobbyId}, the id being 5 base-36 characters', async () => {
      const host = await pool.connect();
      const response = await request(http)
        .post('/lobbies')
        .send(lobbyBody(host, { lobbyName: 'Game Night' }));
      expect(response.status).toBe(201);
      expect(Object.keys(response.body).sort()).toEqual(['lobbyId', 'lobbyName']);
      expect(response.body.lobbyName).toBe('Game Night');
      expect(response.body.lobbyId).toMatch(LOBBY_ID_PATTERN);
    });

    it('gives every lobby a different id', async () => {
      const hosts = await pool.connectMany(10);
      const ids = await Promise.all(
        hosts.map(async (host) => (await createLobby(http, host)).lobbyId),
      );
      for (const id of ids) expect(id).toMatch(LOBBY_ID_PATTERN);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('accepts the boundaries: 50-character names with spaces and underscores, 1 and 64 members', async () => {
      const [a, b] = await pool.connectMany(2);
      const name50 = 'A_' + 'b '.repeat(24);
      expect(name50).toHaveLength(50);
      await createLobby(http, a, { hostName: name50, lobbyName: name50, maxMembers: 1 });
      await createLobby(http, b, { hostName: '_x 9', lobbyName: '0', maxMembers: 64 });
    });

    it('ignores extra properties in the body', async () => {
      const host = await pool.connect();
      const response = await request(http)
        .post('/lobbies')
        .send({ ...lobbyBody(host), password: 'hunter2', role: 'admin' });
      expect(response.status).toBe(201);
    });

    const invalidBodies: [string, Record<string, unknown>][] = [
      ['token is missing', { token: undefined }],
      ['token is not a string', { token: 12345 }],
      ['token is empty', { token: '' }],
      ['hostName is missing', { hostName: undefined }],
      ['lobbyName is missing', { lobbyName: undefined }],
      ['isPublic is missing', { isPublic: undefined }],
      ['maxMembers is missing', { maxMembers: undefined }],
      ['maxMembers is the string "4"', { maxMembers: '4' }],
      ['maxMembers is 0', { maxMembers: 0 }],
      ['maxMembers is 65', { maxMembers: 65 }],
      ['maxMembers is 1.5', { maxMembers: 1.5 }],
      ['maxMembers is negative', { maxMembers: -4 }],
      ['maxMembers is null', { maxMembers: null }],
      ['isPublic is the string "true"', { isPublic: 'true' }],
      ['isPublic is 1', { isPublic: 1 }],
      ['hostName starts with a space', { hostName: ' Host' }],
      ['lobbyName starts with a space', { lobbyName: ' Lobby' }],
      ['hostName is 51 characters', { hostName: 'h'.repeat(51) }],
      ['lobbyName is 51 characters', { lobbyName: 'l'.repeat(51) }],
      ['hostName has punctuation', { hostName: 'Host!' }],
      ['lobbyName has punctuation', { lobbyName: "Bob's lobby" }],
      ['lobbyName has a dash', { lobbyName: 'a-b' }],
      ['hostName has a tab', { hostName: 'a\tb' }],
      ['hostName has a newline', { hostName: 'a\nb' }],
      ['hostName is empty', { hostName: '' }],
      ['hostName is not a string', { hostName: 42 }],
      ['lobbyName is an array', { lobbyName: ['Lobby'] }],
      ['lobbyName is an object', { lobbyName: { name: 'Lobby' } }],
      ['hostName has non-ASCII letters', { hostName: 'Zoë' }],
    ];

    it.each(invalidBodies)('answers 400 with {errors} when %s', async (_case, overrides) => {
      const host = await pool.connect();
      const response = await request(http)
        .post('/lobbies')
        .send({ ...lobbyBody(host), ...overrides });
      expectErrors(response, 400);
      const [field] = Object.keys(overrides);
      expect(response.body.errors.join(' ')).toContain(field);
      expect(await listLobbies(http)).toEqual([]);
    });

    it.each([
      ['the string "4"', '4'],
      ['missing', undefined],
      ['null', null],
    ])(
      'reports a maxMembers that is %s as not a whole number, not as out of range',
      async (_case, maxMembers) => {
        const host = await pool.connect();
        const response = await request(http)
          .post('/lobbies')
          .send({ ...lobbyBody(host), maxMembers });
        expectErrors(response, 400);
        expect(response.body.errors).toHaveLength(1);
        expect(response.body.errors[0]).toMatch(/maxMembers/);
        expect(response.body.errors[0]).toMatch(/whole number|integer|number/i);
        expect(response.body.errors[0]).not.toMatch(/at most|at least/);
      },
    );

    it('answers 400 with {errors} for an empty body', async () => {
      expectErrors(await request(http).post('/lobbies').send({}), 400);
    });

    it('answers 400 with {errors} for no body at all', async () => {
      expectErrors(await request(http).post('/lobbies'), 400);
    });

    it('answers 400 with {errors} for a malformed JSON body', async () => {
      const response = await request(http)
        .post('/lobbies')
        .set('Content-Type', 'application/json')
        .send('{"token": "abc", "hostName": ');
      expectErrors(response, 400);
    });

    it('answers 400 with {errors} for a JSON array body', async () => {
      const host = await pool.connect();
      const response = await request(http)
        .post('/lobbies')
        .send([lobbyBody(host)]);
      expectErrors(response, 400);
      expect(await listLobbies(http)).toEqual([]);
    });

    it('answers 400 with {errors} for a JSON string body', async () => {
      const response = await request(http)
        .post('/lobbies')
        .set('Content-Type', 'application/json')
        .send('"hello"');
      expectErrors(response, 400);
    });

    it('answers 400 "The client is unregistered. Try reconnecting." for an unknown token', async () => {
      const response = await request(http)
        .post('/lobbies')
        .send({ ...lobbyBody(await pool.connect()), token: 'x'.repeat(43) });
      expectErrors(response, 400, UNREGISTERED);
    });

    it('answers 409 when the client already hosts a lobby', async () => {
      const host = await pool.connect();
      await createLobby(http, host);
      const response = await request(http)
        .post('/lobbies')
        .send(lobbyBody(host, { lobbyName: 'Second' }));
      expectErrors(response, 409, message.alreadyInLobby);
      expect(await listLobbies(http)).toHaveLength(1);
    });

    it('answers 409 when the client is already a member of a lobby', async () => {
      const { members } = await lobbyWithMembers(http, pool, ['Ann']);
      const response = await request(http)
        .post('/lobbies')
        .send(lobbyBody(members[0], { hostName: 'Ann' }));
      expectErrors(response, 409, message.alreadyInLobby);
      expect(await listLobbies(http)).toHaveLength(1);
    });
  });

  describe('POST /lobbies/:lobbyId/join', () => {
    it('answers 200 with {lobbyId, lobbyName, lobbyMembers, host}, members in join order', async () => {
      const [host, ann, ben] = await pool.connectMany(3);
      const { lobbyId } = await createLobby(http, host, {
        hostName: 'Hosty',
        lobbyName: 'Cozy Place',
      });

      const first = await postJoin(http, ann.token, lobbyId, 'Ann');
      expect(first.status).toBe(200);
      expect(first.body).toEqual({
        lobbyId,
        lobbyName: 'Cozy Place',
        lobbyMembers: ['Hosty', 'Ann'],
        host: 'Hosty',
      });

      const second = await joinLobby(http, ben, lobbyId, 'Ben');
      expect(second).toEqual({
        lobbyId,
        lobbyName: 'Cozy Place',
        lobbyMembers: ['Hosty', 'Ann', 'Ben'],
        host: 'Hosty',
      });
    });

    it('accepts the lobby id in lower case', async () => {
      const [host, guest] = await pool.connectMany(2);
      const { lobbyId } = await createLobby(http, host);
      const joined = await joinLobby(http, guest, lobbyId.toLowerCase(), 'Guest');
      expect(joined.lobbyId).toBe(lobbyId);
      expect(joined.lobbyMembers).toEqual(['Host', 'Guest']);
    });

    it('sends lobby_peerConnect {lobbyId, peerName} to the members already there, not to the joiner', async () => {
      const [host, ann, ben] = await pool.connectMany(3);
      const { lobbyId } = await createLobby(http, host);

      await joinLobby(http, ann, lobbyId, 'Ann');
      expect(await host.next('lobby_peerConnect')).toEqual({ lobbyId, peerName: 'Ann' });

      await joinLobby(http, ben, lobbyId, 'Ben');
      expect(await host.next('lobby_peerConnect')).toEqual({ lobbyId, peerName: 'Ben' });
      expect(await ann.next('lobby_peerConnect')).toEqual({ lobbyId, peerName: 'Ben' });

      await expectNothingReceived([ben], [1]);
      expect(ben.methods).toEqual(['client_registered']);
      expect(ann.all('lobby_peerConnect')).toHaveLength(1);
      expect(host.all('lobby_peerConnect')).toHaveLength(2);
    });

    it('answers 409 when the lobby does not exist, and 400 to an id no lobby could have', async () => {
      const [host, guest] = await pool.connectMany(2);
      const { lobbyId } = await createLobby(http, host);
      const unused = unusedLobbyId([lobbyId]);
      expectErrors(await postJoin(http, guest.token, unused, 'Guest'), 409, message.lobbyNotFound);
      for (const id of ['abc', 'TOOLONGID']) {
        expectErrors(await postJoin(http, guest.token, id, 'Guest'), 400);
      }
    });

    it('answers 409 when the lobby is full (maxMembers counts the host)', async () => {
      const [host, ann, ben] = await pool.connectMany(3);
      const { lobbyId } = await createLobby(http, host, { maxMembers: 2 });
      await joinLobby(http, ann, lobbyId, 'Ann');
      expectErrors(await postJoin(http, ben.token, lobbyId, 'Ben'), 409, message.lobbyFull);
      expect((await listLobbies(http))[0].currentMembers).toBe(2);
    });

    it('a lobby of 1 is full from the moment it is created', async () => {
      const [host, guest] = await pool.connectMany(2);
      const { lobbyId } = await createLobby(http, host, { maxMembers: 1 });
      expectErrors(await postJoin(http, guest.token, lobbyId, 'Guest'), 409, message.lobbyFull);
    });

    it('answers 409 when the name is already taken in the lobby', async () => {
      const [host, ann, copycat] = await pool.connectMany(3);
      const { lobbyId } = await createLobby(http, host, { hostName: 'Boss' });
      await joinLobby(http, ann, lobbyId, 'Ann');
      expectErrors(await postJoin(http, copycat.token, lobbyId, 'Boss'), 409, message.nameTaken);
      expectErrors(await postJoin(http, copycat.token, lobbyId, 'Ann'), 409, message.nameTaken);
      expect((await listLobbies(http))[0].currentMembers).toBe(2);
    });

    it("answers 409 for a name that differs from a member's only in case or spacing, and frees it when that member leaves", async () => {
      const { lobbyId, host, members } = await lobbyWithMembers(http, pool, ['Bob'], {
        hostName: 'Mallory',
      });
      const [copycat, mallory2] = await pool.connectMany(2);
      for (const lookAlike of ['Mallory ', 'mallory', 'BOB']) {
        expectErrors(
          await postJoin(http, copycat.token, lobbyId, lookAlike),
          409,
          message.nameTaken,
        );
      }
      const joined = await joinLobby(http, mallory2, lobbyId, 'Mallory2');
      expect(joined.lobbyMembers).toEqual(['Mallory', 'Bob', 'Mallory2']);

      await members[0].close();
      expect(await host.next('lobby_peerDisconnect')).toEqual({ lobbyId, peerName: 'Bob' });
      const rejoined = await joinLobby(http, copycat, lobbyId, 'bob ');
      expect(rejoined).toMatchObject({
        host: 'Mallory',
        lobbyMembers: ['Mallory', 'Mallory2', 'bob '],
      });
    });

    it('answers 409 when the client is already in a lobby, as host or as member', async () => {
      const first = await lobbyWithMembers(http, pool, ['Ann']);
      const [otherHost] = await pool.connectMany(1);
      const second = await createLobby(http, otherHost, { lobbyName: 'Other' });

      expectErrors(
        await postJoin(http, first.host.token, second.lobbyId, 'Visitor'),
        409,
        message.alreadyInLobby,
      );
      expectErrors(
        await postJoin(http, first.members[0].token, second.lobbyId, 'Visitor'),
        409,
        message.alreadyInLobby,
      );
      expectErrors(
        await postJoin(http, first.members[0].token, first.lobbyId, 'Ann Again'),
        409,
        message.alreadyInLobby,
      );
      const counts = Object.fromEntries(
        (await listLobbies(http)).map((lobby) => [lobby.id, lobby.currentMembers]),
      );
      expect(counts).toEqual({ [first.lobbyId]: 2, [second.lobbyId]: 1 });
    });

    it('answers 409 while the lobby is locked for peer-to-peer mediation', async () => {
      const { lobbyId, host } = await lobbyWithMembers(http, pool, ['Ann']);
      await startMediation(http, host, lobbyId);
      const late = await pool.connect();
      expectErrors(await postJoin(http, late.token, lobbyId, 'Late'), 409, message.lobbyLocked);
    });

    const invalidJoins: [string, Record<string, unknown>][] = [
      ['peerName is missing', { peerName: undefined }],
      ['peerName is not a string', { peerName: 7 }],
      ['peerName is empty', { peerName: '' }],
      ['peerName starts with a space', { peerName: ' Ann' }],
      ['peerName is 51 characters', { peerName: 'p'.repeat(51) }],
      ['peerName has punctuation', { peerName: 'Ann?' }],
      ['token is missing', { token: undefined }],
      ['token is not a string', { token: ['abc'] }],
    ];

    it.each(invalidJoins)('answers 400 with {errors} when %s', async (_case, overrides) => {
      const [host, guest] = await pool.connectMany(2);
      const { lobbyId } = await createLobby(http, host);
      const response = await request(http)
        .post(`/lobbies/${lobbyId}/join`)
        .send({ token: guest.token, peerName: 'Guest', ...overrides });
      expectErrors(response, 400);
      const [field] = Object.keys(overrides);
      expect(response.body.errors.join(' ')).toContain(field);
      expect((await listLobbies(http))[0].currentMembers).toBe(1);
    });

    it('answers 400 with {errors} for a malformed JSON body', async () => {
      const host = await pool.connect();
      const { lobbyId } = await createLobby(http, host);
      const response = await request(http)
        .post(`/lobbies/${lobbyId}/join`)
        .set('Content-Type', 'application/json')
        .send('{"token":');
      expectErrors(response, 400);
    });

    it('answers 400 "The client is unregistered. Try reconnecting." for an unknown token', async () => {
      const host = await pool.connect();
      const { lobbyId } = await createLobby(http, host);
      expectErrors(await postJoin(http, 'not-a-token', lobbyId, 'Guest'), 400, UNREGISTERED);
    });
  });

  describe('POST /lobbies/:lobbyId/ptp/start', () => {
    it('answers 200 with an empty body when the host starts mediation', async () => {
      const { lobbyId, host } = await lobbyWithMembers(http, pool, ['Ann']);
      const response = await postStart(http, host.token, lobbyId);
      expect(response.status).toBe(200);
      expect(response.text).toBe('');
    });

    it('accepts the lobby id in lower case', async () => {
      const { lobbyId, host } = await lobbyWithMembers(http, pool, ['Ann']);
      const response = await postStart(http, host.token, lobbyId.toLowerCase());
      expect(response.status).toBe(200);
    });

    it('answers 409 when a member who is not the host asks', async () => {
      const { lobbyId, members } = await lobbyWithMembers(http, pool, ['Ann']);
      expectErrors(await postStart(http, members[0].token, lobbyId), 409, message.notHost);
      const late = await pool.connect();
      expectErrors(await postStart(http, late.token, lobbyId), 409, message.notHost);
    });

    it('answers 409 when another lobby’s host asks', async () => {
      const { lobbyId } = await lobbyWithMembers(http, pool, ['Ann']);
      const other = await lobbyWithMembers(http, pool, ['Bea'], { hostName: 'Other' });
      expectErrors(await postStart(http, other.host.token, lobbyId), 409, message.notHost);
    });

    it('checks "is the host" before the lobby state: a member of a locked lobby hears "not host"', async () => {
      const { lobbyId, host, members } = await lobbyWithMembers(http, pool, ['Ann']);
      await startMediation(http, host, lobbyId);
      expectErrors(await postStart(http, members[0].token, lobbyId), 409, message.notHost);
    });

    it('answers 409 when the lobby has fewer than 2 members', async () => {
      const host = await pool.connect();
      const { lobbyId } = await createLobby(http, host);
      expectErrors(await postStart(http, host.token, lobbyId), 409, message.tooFewMembers);
      // The lobby stays open and unlocked.
      await joinLobby(http, await pool.connect(), lobbyId, 'Ann');
    });

    it('answers 409 when mediation is already underway', async () => {
      const { lobbyId, host } = await lobbyWithMembers(http, pool, ['Ann']);
      await startMediation(http, host, lobbyId);
      expectErrors(await postStart(http, host.token, lobbyId), 409, message.mediationUnderway);
    });

    it('answers 409 when the lobby does not exist', async () => {
      const host = await pool.connect();
      const { lobbyId } = await createLobby(http, host);
      expectErrors(
        await postStart(http, host.token, unusedLobbyId([lobbyId])),
        409,
        message.lobbyNotFound,
      );
    });

    it('answers 400 for an unknown token, a missing token or a token that is not a string', async () => {
      const { lobbyId } = await lobbyWithMembers(http, pool, ['Ann']);
      expectErrors(await postStart(http, 'stale-or-made-up', lobbyId), 400, UNREGISTERED);
      expectErrors(await postStart(http, undefined, lobbyId), 400);
      expectErrors(await postStart(http, 42, lobbyId), 400);
      const malformed = await request(http)
        .post(`/lobbies/${lobbyId}/ptp/start`)
        .set('Content-Type', 'application/json')
        .send('{"token"');
      expectErrors(malformed, 400);
    });
  });

  describe('leaving by closing the WebSocket', () => {
    it('a member leaving sends lobby_peerDisconnect {lobbyId, peerName} to the rest', async () => {
      const { lobbyId, host, members } = await lobbyWithMembers(http, pool, ['Ann', 'Ben']);
      const [ann, ben] = members;
      await ann.close();
      expect(await host.next('lobby_peerDisconnect')).toEqual({ lobbyId, peerName: 'Ann' });
      expect(await ben.next('lobby_peerDisconnect')).toEqual({ lobbyId, peerName: 'Ann' });
      expect((await listLobbies(http))[0].currentMembers).toBe(2);
    });

    it('the leaver’s name becomes free again', async () => {
      const { lobbyId, host, members } = await lobbyWithMembers(http, pool, ['Ann']);
      await members[0].close();
      await host.next('lobby_peerDisconnect');
      const newcomer = await pool.connect();
      const joined = await joinLobby(http, newcomer, lobbyId, 'Ann');
      expect(joined.lobbyMembers).toEqual(['Host', 'Ann']);
    });

    it('the host leaving sends lobby_closed {lobbyId, lobbyName} to the members and removes the lobby', async () => {
      const { lobbyId, host, members } = await lobbyWithMembers(http, pool, ['Ann', 'Ben'], {
        lobbyName: 'Doomed',
      });
      await host.close();
      for (const member of members) {
        expect(await member.next('lobby_closed')).toEqual({ lobbyId, lobbyName: 'Doomed' });
        expect(member.all('lobby_peerDisconnect')).toEqual([]);
      }
      expect(await listLobbies(http)).toEqual([]);
      const late = await pool.connect();
      expectErrors(await postJoin(http, late.token, lobbyId, 'Late'), 409, message.lobbyNotFound);
    });

    it('the host leaving mid-mediation closes the lobby without ptpMediation_aborted', async () => {
      const { lobbyId, host, members } = await lobbyWithMembers(http, pool, ['Ann']);
      await startMediation(http, host, lobbyId);
      await members[0].next('ptpMediation_send');
      await host.close();
      expect(await members[0].next('lobby_closed')).toMatchObject({ lobbyId });
      await expectNothingReceived(members, mark(members), 500);
      expect(members[0].all('ptpMediation_aborted')).toEqual([]);
    });

    it('after a lobby closes, its former members can create and join lobbies again', async () => {
      const { host, members } = await lobbyWithMembers(http, pool, ['Ann', 'Ben']);
      const [ann, ben] = members;
      await host.close();
      await ann.next('lobby_closed');
      await ben.next('lobby_closed');

      const { lobbyId } = await createLobby(http, ann, { hostName: 'Ann', lobbyName: 'Take Two' });
      const joined = await joinLobby(http, ben, lobbyId, 'Ben');
      expect(joined).toEqual({
        lobbyId,
        lobbyName: 'Take Two',
        lobbyMembers: ['Ann', 'Ben'],
        host: 'Ann',
      });
    });
  });

  describe('a lobby of 64', () => {
    it('takes the host and 63 joiners, refuses the 65th as full, and carries chat to all 64', async () => {
      const host = await pool.connect();
      const { lobbyId } = await createLobby(http, host, { maxMembers: 64 });
      const joiners = await pool.connectMany(63);
      const responses = await Promise.all(
        joiners.map((joiner, index) => postJoin(http, joiner.token, lobbyId, `Peer ${index}`)),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(63).fill(200));
      expect((await listLobbies(http))[0]).toEqual({
        name: 'Friday Night',
        id: lobbyId,
        currentMembers: 64,
        maxMembers: 64,
      });

      const extra = await pool.connect();
      expectErrors(
        await postJoin(http, extra.token, lobbyId, 'One Too Many'),
        409,
        message.lobbyFull,
      );

      joiners[62].send('lobby_messaging_send', {
        token: joiners[62].token,
        lobbyId,
        message: 'hello everyone',
      });
      const everyone = [host, ...joiners];
      const received = await Promise.all(
        everyone.map((client) => client.next('lobby_messaging_received')),
      );
      for (const chat of received) {
        expect(chat).toMatchObject({
          lobbyId,
          message: { senderName: 'Peer 62', message: 'hello everyone' },
        });
      }
      expect(extra.all('lobby_messaging_received')).toEqual([]);
    });
  });
});
