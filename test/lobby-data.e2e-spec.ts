import request, { type Response } from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { OrionClient, OrionRequestError } from '@orion/sdk';
import { Errors } from '../src/common/orion-error.js';
import type { TestClient } from './support/clients/test-client.js';
import {
  ClientPool,
  expectErrors,
  expectNothingReceived,
  lobbyBody,
  mark,
  type LobbyOptions,
} from './support/flows/http-flows.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';

const PASSWORD = 'Tr0ub4dor&3-not-in-any-log';
const message = {
  passwordRequired: Errors.passwordRequired().message,
  wrongPassword: Errors.wrongPassword().message,
  cursorNotListed: Errors.cursorNotListed().message,
};

type Data = Record<string, string | number>;
type Listed = {
  name: string;
  id: string;
  currentMembers: number;
  maxMembers: number;
  hasPassword?: boolean;
  data?: Data;
};

describe('lobby passwords, lobby data and GET /lobbies filters', () => {
  let orion: OrionTestApp | undefined;
  let pool: ClientPool;
  let http: string;

  async function start(settings: Parameters<typeof startOrion>[0] = {}): Promise<void> {
    orion = await startOrion(settings);
    http = orion.httpUrl;
    pool = new ClientPool(() => orion!.wsUrl);
  }

  afterEach(async () => {
    await pool?.closeAll();
    await orion?.close();
    orion = undefined;
  });

  function postCreate(
    host: TestClient,
    options: LobbyOptions & { password?: unknown; data?: unknown },
  ): Promise<Response> {
    return request(http)
      .post('/lobbies')
      .send({ ...lobbyBody(host), ...options });
  }

  /** A lobby hosted by a new client; returns its id. */
  async function host(options: LobbyOptions & { password?: string; data?: Data } = {}) {
    const response = await postCreate(await pool.connect(), options);
    expect(response.status, response.text).toBe(201);
    return response.body.lobbyId as string;
  }

  function joinWith(client: TestClient, lobbyId: string, peerName: string, password?: unknown) {
    return request(http)
      .post(`/lobbies/${lobbyId}/join`)
      .send({ token: client.token, peerName, password });
  }

  async function list(query: Record<string, string | string[]> = {}): Promise<Response> {
    return request(http).get('/lobbies').query(query);
  }

  /** GET /lobbies with `query`, which must succeed: its lobbies and next. */
  async function listed(query: Record<string, string> = {}) {
    const response = await list(query);
    expect(response.status, response.text).toBe(200);
    return response.body as { lobbies: Listed[]; next?: string | null };
  }

  const idsOf = (lobbies: Listed[]) => lobbies.map((lobby) => lobby.id);

  describe('creating and listing', () => {
    it('lists hasPassword and data, and never the password or its hash', async () => {
      await start();
      const data = { version: '1.4.2', mode: 'ctf', players: 4, ratio: 0.1 + 0.2, region: 'eu/w' };
      const lobbyId = await host({ lobbyName: 'Locked Night', password: PASSWORD, data });
      // A join runs the record through the store's join step (a Lua script with Redis).
      const guest = await pool.connect();
      expect((await joinWith(guest, lobbyId, 'Guest', PASSWORD)).status).toBe(200);

      for (const query of [{}, { limit: '10' }] as Record<string, string>[]) {
        const response = await list(query);
        expect(response.body.lobbies).toEqual([
          {
            name: 'Locked Night',
            id: lobbyId,
            currentMembers: 2,
            maxMembers: 4,
            hasPassword: true,
            data,
          },
        ]);
        expect(Object.keys(response.body.lobbies[0].data)).toEqual(Object.keys(data));
        expect(response.text).not.toContain(PASSWORD);
        expect(response.text).not.toMatch(/scrypt|passwordHash|hash/i);
      }
      const metrics = await request(http).get('/metrics');
      expect(metrics.text).toContain(
        'orion_lobbies{visibility="public",state="open",password="yes"} 1',
      );
      expect(orion!.logger.text).not.toContain(PASSWORD);
    });

    it('lists a lobby created the original way exactly as before, with or without unknown parameters', async () => {
      await start();
      const plain = await host({ lobbyName: 'Plain', maxMembers: 8 });
      await host({ lobbyName: 'Hidden', isPublic: false, password: PASSWORD });
      const tagged = await host({ lobbyName: 'Tagged', data: { mode: 'ctf' } });

      for (const query of [{}, { sort: 'name', page: '2', data: 'x' }] as Record<
        string,
        string
      >[]) {
        const response = await list(query);
        expect(response.status).toBe(200);
        expect(Object.keys(response.body)).toEqual(['lobbies']);
        expect(response.body.lobbies).toEqual([
          { name: 'Plain', id: plain, currentMembers: 1, maxMembers: 8 },
          {
            name: 'Tagged',
            id: tagged,
            currentMembers: 1,
            maxMembers: 4,
            hasPassword: false,
            data: { mode: 'ctf' },
          },
        ]);
      }
    });

    it('with any filter or paging parameter, gives every lobby hasPassword and data, and adds next', async () => {
      await start();
      const plain = await host({ lobbyName: 'Plain' });
      for (const query of [{ limit: '5' }, { notFull: 'true' }, { 'data.mode.min': '0' }] as Record<
        string,
        string
      >[]) {
        const body = await listed(query);
        expect(Object.keys(body).sort()).toEqual(['lobbies', 'next']);
        expect(body.next).toBeNull();
        if (query['data.mode.min'] === undefined) {
          expect(body.lobbies).toEqual([
            {
              name: 'Plain',
              id: plain,
              currentMembers: 1,
              maxMembers: 4,
              hasPassword: false,
              data: {},
            },
          ]);
        } else {
          expect(body.lobbies).toEqual([]);
        }
      }
    });
  });

  describe('filters', () => {
    it('keep the lobbies that match every filter, in the listing order', async () => {
      await start();
      const a = await host({ data: { version: '1.4.2', mode: 'ctf', players: 4 } });
      const b = await host({ data: { version: '1.4.2', mode: 'dm', players: 8, label: '4' } });
      const c = await host({
        password: PASSWORD,
        data: { version: '1.3.0', mode: 'ctf', players: 2, ratio: 1.4 },
      });
      const d = await host({ maxMembers: 1 });
      await host({ isPublic: false, data: { version: '1.4.2', mode: 'ctf', players: 4 } });
      const order = idsOf((await listed({ limit: '100' })).lobbies);
      expect([...order].sort()).toEqual([a, b, c, d].sort());

      const cases: [Record<string, string>, string[]][] = [
        [{ 'data.version': '1.4.2' }, [a, b]],
        [{ 'data.version': '1.4.2', 'data.mode': 'ctf' }, [a]],
        [{ 'data.players': '4' }, [a]],
        [{ 'data.players': '4.0' }, [a]],
        [{ 'data.label': '4' }, [b]],
        [{ 'data.ratio': '1.4' }, [c]],
        [{ 'data.players.min': '4' }, [a, b]],
        [{ 'data.players.max': '4' }, [a, c]],
        [{ 'data.players.min': '3', 'data.players.max': '5' }, [a]],
        [{ 'data.mode.min': '0' }, []],
        [{ 'data.map': 'harbor' }, []],
        [{ hasPassword: 'true' }, [c]],
        [{ hasPassword: 'false' }, [a, b, d]],
        [{ notFull: 'true' }, [a, b, c]],
        [{ notFull: 'false' }, [d]],
        [{ 'data.mode': 'ctf', hasPassword: 'false', notFull: 'true' }, [a]],
      ];
      for (const [query, expected] of cases) {
        const body = await listed(query);
        const inOrder = order.filter((id) => expected.includes(id));
        expect(idsOf(body.lobbies), JSON.stringify(query)).toEqual(inOrder);
        expect(body.next).toBeNull();
        for (const lobby of body.lobbies) {
          expect(Object.keys(lobby)).toEqual([
            'name',
            'id',
            'currentMembers',
            'maxMembers',
            'hasPassword',
            'data',
          ]);
        }
      }
    });

    it('notFull follows joins', async () => {
      await start();
      const lobbyId = await host({ maxMembers: 2 });
      expect(idsOf((await listed({ notFull: 'true' })).lobbies)).toEqual([lobbyId]);
      expect((await joinWith(await pool.connect(), lobbyId, 'Guest')).status).toBe(200);
      expect(idsOf((await listed({ notFull: 'true' })).lobbies)).toEqual([]);
      expect(idsOf((await listed({ notFull: 'false' })).lobbies)).toEqual([lobbyId]);
    });
  });

  describe('paging', () => {
    it('walks every page once, in a stable order, while lobbies come and go behind the cursor', async () => {
      await start();
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push(await host({ lobbyName: `Lobby ${i}` }));
      await host({ isPublic: false });
      const all = idsOf((await listed({ limit: '100' })).lobbies);
      expect([...all].sort()).toEqual([...ids].sort());

      const first = await listed({ limit: '3' });
      expect(idsOf(first.lobbies)).toEqual(all.slice(0, 3));
      expect(first.next).toBe(all[2]);
      // A join behind the cursor and a new lobby change nothing already paged past.
      expect((await joinWith(await pool.connect(), all[0], 'Late')).status).toBe(200);
      const newest = await host({ lobbyName: 'Newest' });
      const second = await listed({ limit: '3', after: first.next! });
      expect(idsOf(second.lobbies)).toEqual(all.slice(3, 6));
      const third = await listed({ limit: '3', after: second.next!.toLowerCase() });
      expect(idsOf(third.lobbies)).toEqual([all[6], newest]);
      expect(third.next).toBeNull();
    });

    it('pages filtered lists, 50 at a time unless told', async () => {
      await start();
      const clients = await pool.connectMany(53);
      const created: string[] = [];
      for (const [i, client] of clients.entries()) {
        const response = await postCreate(client, { data: { even: i % 2 === 0 ? 1 : 0 } });
        expect(response.status).toBe(201);
        created.push(response.body.lobbyId);
      }
      const all = await listed({ limit: '100' });
      expect(all.lobbies).toHaveLength(53);
      const first = await listed({ notFull: 'true' });
      expect(idsOf(first.lobbies)).toEqual(idsOf(all.lobbies).slice(0, 50));
      expect(first.next).toBe(all.lobbies[49].id);
      const rest = await listed({ notFull: 'true', after: first.next! });
      expect(idsOf(rest.lobbies)).toEqual(idsOf(all.lobbies).slice(50));
      expect(rest.next).toBeNull();
      // The original listing still lists every lobby, with no bound and no next.
      const original = await list();
      expect(original.body.lobbies).toHaveLength(53);
      expect(original.body).not.toHaveProperty('next');
      const even = await listed({ 'data.even': '1', limit: '100' });
      expect(even.lobbies).toHaveLength(27);
    });

    it('answers 409 when the lobby after which to list is gone, or never was listed', async () => {
      await start();
      const hostClient = await pool.connect();
      const gone = (await postCreate(hostClient, {})).body.lobbyId as string;
      const hidden = await host({ isPublic: false });
      await host({});
      await hostClient.close();
      for (const after of [gone, hidden, 'ZZZZZ']) {
        let response = await list({ after });
        for (let tries = 0; response.status === 200 && tries < 50; tries++) {
          await new Promise((resolve) => setTimeout(resolve, 20)); // the host's clean-up
          response = await list({ after });
        }
        expectErrors(response, 409, message.cursorNotListed);
      }
    });
  });

  describe('joining a lobby with a password', () => {
    it('needs the password: 409 without it or with a wrong one, 200 with it', async () => {
      await start();
      const lobbyId = await host({ password: PASSWORD });
      const [guest, bystander] = await pool.connectMany(2);
      const before = mark([guest, bystander]);

      expectErrors(await joinWith(guest, lobbyId, 'Guest'), 409, message.passwordRequired);
      expectErrors(await joinWith(guest, lobbyId, 'Guest', null), 409, message.passwordRequired);
      const wrong = await joinWith(guest, lobbyId, 'Guest', PASSWORD.toUpperCase());
      expectErrors(wrong, 409, message.wrongPassword);
      expect(wrong.text).not.toContain(PASSWORD.toUpperCase());
      await expectNothingReceived([guest, bystander], before);

      const joined = await joinWith(guest, lobbyId.toLowerCase(), 'Guest', PASSWORD);
      expect(joined.status, joined.text).toBe(200);
      expect(joined.body).toEqual({
        lobbyId,
        lobbyName: 'Friday Night',
        lobbyMembers: ['Host', 'Guest'],
        host: 'Host',
      });
      expect(orion!.logger.text).not.toContain(PASSWORD);
    });

    it('tells the members about the new one as always', async () => {
      await start();
      const hostClient = await pool.connect();
      const { lobbyId } = (await postCreate(hostClient, { password: PASSWORD })).body;
      const guest = await pool.connect();
      expect((await joinWith(guest, lobbyId, 'Guest', PASSWORD)).status).toBe(200);
      expect(await hostClient.next('lobby_peerConnect')).toEqual({ lobbyId, peerName: 'Guest' });
    });

    it('ignores a password given for a lobby without one', async () => {
      await start();
      const lobbyId = await host();
      const response = await joinWith(await pool.connect(), lobbyId, 'Guest', 'whatever');
      expect(response.status, response.text).toBe(200);
    });

    it('asks for the password before telling that the lobby is full', async () => {
      await start();
      const lobbyId = await host({ password: PASSWORD, maxMembers: 1 });
      const guest = await pool.connect();
      expectErrors(await joinWith(guest, lobbyId, 'Guest'), 409, message.passwordRequired);
      expectErrors(
        await joinWith(guest, lobbyId, 'Guest', PASSWORD),
        409,
        Errors.lobbyFull().message,
      );
    });

    it('counts missing and wrong passwords toward the join-miss limit', async () => {
      await start({ joinMissLimit: 3, joinMissLimitPerIp: 100 });
      const lobbyId = await host({ password: PASSWORD });
      const [guesser, friend] = await pool.connectMany(2);
      expectErrors(await joinWith(guesser, lobbyId, 'Guesser'), 409, message.passwordRequired);
      expectErrors(await joinWith(guesser, lobbyId, 'Guesser', 'guess1'), 409);
      expectErrors(await joinWith(guesser, lobbyId, 'Guesser', 'guess2'), 409);
      // The fourth try is refused even with the right password.
      const refused = await joinWith(guesser, lobbyId, 'Guesser', PASSWORD);
      expectErrors(refused, 429);
      expect(refused.headers['retry-after']).toMatch(/^\d+$/);
      // Another client at the same address still joins.
      expect((await joinWith(friend, lobbyId, 'Friend', PASSWORD)).status).toBe(200);
    });

    it('does not count a right password, nor a lobby without one', async () => {
      await start({ joinMissLimit: 1, joinMissLimitPerIp: 100 });
      const locked = await host({ password: PASSWORD, maxMembers: 8 });
      const open = await host({ maxMembers: 8 });
      const clients = await pool.connectMany(4);
      for (const [i, client] of clients.slice(0, 2).entries()) {
        expect((await joinWith(client, locked, `P${i}`, PASSWORD)).status).toBe(200);
      }
      for (const [i, client] of clients.slice(2).entries()) {
        expect((await joinWith(client, open, `Q${i}`, 'ignored')).status).toBe(200);
      }
    });
  });

  describe('bad input answers 400 with errors', () => {
    it('on create: a bad password or bad data, never quoting the password', async () => {
      await start();
      const client = await pool.connect();
      const secretLooking = `${PASSWORD}${'x'.repeat(64)}`;
      const cases: Record<string, unknown>[] = [
        { password: '' },
        { password: secretLooking },
        { password: 1234 },
        { data: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, i])) },
        { data: { 'bad.key': 1 } },
        { data: { ['k'.repeat(33)]: 1 } },
        { data: { map: { name: 'harbor' } } },
        { data: { ranked: true } },
        { data: { map: null } },
        { data: { motd: 'm'.repeat(129) } },
        { data: ['ctf'] },
        { data: 'mode=ctf' },
      ];
      for (const body of cases) {
        const response = await postCreate(client, body);
        expectErrors(response, 400);
        expect(response.text).not.toContain(PASSWORD);
      }
      expect(orion!.logger.text).not.toContain(PASSWORD);
      expect(await listed({ limit: '100' })).toEqual({ lobbies: [], next: null });
    });

    it('on join: a password that is not a string of 1 to 64 characters', async () => {
      await start();
      const lobbyId = await host({ password: PASSWORD });
      const guest = await pool.connect();
      for (const password of ['', 'p'.repeat(65), 42, true, ['x']]) {
        expectErrors(await joinWith(guest, lobbyId, 'Guest', password), 400);
      }
    });

    it('on list: malformed, repeated or too many filters, and a bad page size or cursor', async () => {
      await start();
      await host();
      const tooMany = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`data.k${i}`, 'v']));
      const cases: Record<string, string | string[]>[] = [
        { limit: '0' },
        { limit: '500' },
        { limit: 'ten' },
        { 'data.players.min': 'abc' },
        { 'data.players.max': '' },
        { 'data.a.b': '1' },
        { 'data.': '1' },
        { 'data.a.min.max': '1' },
        tooMany,
        { hasPassword: 'yes' },
        { notFull: '1' },
        { after: 'K3Z' },
        { limit: ['5', '6'] },
        { 'data.mode': ['ctf', 'dm'] },
      ];
      for (const query of cases) {
        const response = await list(query);
        expectErrors(response, 400);
        expect(response.body.errors.length, JSON.stringify(query)).toBe(1);
      }
    });
  });

  it('works through the SDK: host with a password and data, find, join', async () => {
    await start();
    const sdkClients: OrionClient[] = [];
    const connect = async () => {
      const client = await OrionClient.connect({ url: http, localAddress: '127.0.0.1' });
      sdkClients.push(client);
      return client;
    };
    try {
      const [hostClient, other, guest] = [await connect(), await connect(), await connect()];
      const data = { version: '1.4.2', mode: 'ctf', players: 4 };
      const { lobbyId } = await hostClient.host({
        hostName: 'Host',
        lobbyName: 'SDK Locked',
        isPublic: true,
        password: PASSWORD,
        data,
      });
      await other.host({ hostName: 'Other', lobbyName: 'SDK Open', isPublic: true });

      const page = await guest.findLobbies({
        data: { version: '1.4.2' },
        dataRange: { players: { min: 2, max: 4 } },
        notFull: true,
      });
      expect(page).toEqual({
        lobbies: [
          {
            name: 'SDK Locked',
            id: lobbyId,
            currentMembers: 1,
            maxMembers: 8,
            hasPassword: true,
            data,
          },
        ],
        next: null,
      });
      const all = await guest.findLobbies({ limit: 1 });
      expect(all.lobbies).toHaveLength(1);
      expect(all.next).toBe(all.lobbies[0].id);

      const refused = await guest.join(lobbyId, 'Guest').catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(OrionRequestError);
      expect((refused as OrionRequestError).status).toBe(409);
      expect((refused as OrionRequestError).errors).toEqual([message.passwordRequired]);
      const joined = await guest.join(lobbyId, 'Guest', { password: PASSWORD });
      expect(joined.lobbyMembers).toEqual(['Host', 'Guest']);
      expect(guest.lobbyId).toBe(lobbyId);
    } finally {
      await Promise.all(sdkClients.map((client) => client.close()));
    }
  });

  it('describes the new fields and parameters in the OpenAPI document', async () => {
    await start();
    const document = (await request(http).get('/docs/openapi.json')).body as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    const { schemas } = document.components;
    expect(Object.keys(schemas.CreateLobbyDto.properties)).toEqual(
      expect.arrayContaining(['password', 'data']),
    );
    expect(schemas.CreateLobbyDto.properties.data).toMatchObject({ maxProperties: 16 });
    expect(schemas.JoinLobbyDto.properties.password).toMatchObject({ minLength: 1, maxLength: 64 });
    expect(Object.keys(schemas.LobbySummary.properties)).toEqual(
      expect.arrayContaining(['hasPassword', 'data']),
    );
    expect(schemas.ListLobbiesResponse.properties.next).toMatchObject({ nullable: true });
    const parameters = document.paths['/lobbies'].get.parameters ?? [];
    expect(parameters.filter((p) => p.in === 'query').map((p) => p.name)).toEqual(
      expect.arrayContaining(['limit', 'after', 'hasPassword', 'notFull']),
    );
  });
});
