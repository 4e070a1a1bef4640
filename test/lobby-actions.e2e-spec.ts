import { randomUUID } from 'node:crypto';
import request, { type Response } from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { OrionClient, OrionRequestError } from '@orion/sdk';
import { Errors } from '../src/common/orion-error.js';
import { LobbiesService } from '../src/lobbies/lobbies.service.js';
import { methodsSince } from './support/clients/received.js';
import type { TestClient } from './support/clients/test-client.js';
import {
  ClientPool,
  createLobby,
  expectErrors,
  expectNothingReceived,
  joinLobby,
  lobbyBody,
  mark,
  postJoin,
  startMediation,
  UNREGISTERED,
  type LobbyOptions,
} from './support/flows/http-flows.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';

const message = {
  notInLobby: Errors.notInLobby().message,
  notHost: Errors.notHostToManage().message,
  noSuchMember: Errors.noSuchMember().message,
  cannotKickSelf: Errors.cannotKickSelf().message,
  banned: Errors.bannedFromLobby().message,
  noMatchingLobby: Errors.noMatchingLobby().message,
  mediationUnderway: Errors.mediationUnderway().message,
  alreadyInLobby: Errors.alreadyInLobby().message,
};

describe('leave, kick, host hand-over, lobby update and quick join', () => {
  let orion: OrionTestApp | undefined;
  let pool: ClientPool;
  let http: string;

  async function start(): Promise<void> {
    orion = await startOrion({});
    http = orion.httpUrl;
    pool = new ClientPool(() => orion!.wsUrl);
  }

  afterEach(async () => {
    await pool?.closeAll();
    await orion?.close();
    orion = undefined;
  });

  /** A host and members (joined in this order); `extra` goes into the create body. */
  async function lobbyOf(
    names: string[],
    options: LobbyOptions = {},
    extra: Record<string, unknown> = {},
  ): Promise<{ lobbyId: string; host: TestClient; members: TestClient[] }> {
    const host = await pool.connect();
    const created = await request(http)
      .post('/lobbies')
      .send({ ...lobbyBody(host, { maxMembers: 8, ...options }), ...extra });
    expect(created.status, created.text).toBe(201);
    const lobbyId = created.body.lobbyId as string;
    const members: TestClient[] = [];
    for (const name of names) {
      const member = await pool.connect();
      await joinLobby(http, member, lobbyId, name);
      members.push(member);
    }
    return { lobbyId, host, members };
  }

  const leave = (client: TestClient | string, lobbyId: string): Promise<Response> =>
    request(http)
      .post(`/lobbies/${lobbyId}/leave`)
      .send({ token: typeof client === 'string' ? client : client.token });

  const kick = (client: TestClient, lobbyId: string, body: Record<string, unknown>) =>
    request(http)
      .post(`/lobbies/${lobbyId}/kick`)
      .send({ token: client.token, ...body });

  const patch = (client: TestClient, lobbyId: string, body: Record<string, unknown>) =>
    request(http)
      .patch(`/lobbies/${lobbyId}`)
      .send({ token: client.token, ...body });

  const quickJoin = (client: TestClient, peerName: string, query: Record<string, string> = {}) =>
    request(http).post('/lobbies/quick-join').query(query).send({ token: client.token, peerName });

  async function lobbyMembers(lobbyId: string): Promise<string[] | undefined> {
    const lobby = await orion!.app.get(LobbiesService).get(lobbyId);
    return lobby?.members.map((member) => member.name);
  }

  describe('leave', () => {
    it('takes a member out, tells the others, and keeps it connected to create or join again', async () => {
      await start();
      const { lobbyId, host, members } = await lobbyOf(['Ann', 'Bob']);
      const [ann, bob] = members;
      const marks = mark([host, ann, bob]);
      const response = await leave(ann, lobbyId.toLowerCase());
      expect(response.status, response.text).toBe(200);
      expect(response.body).toEqual({ lobbyId });
      expect(await host.next('lobby_peerDisconnect')).toEqual({ lobbyId, peerName: 'Ann' });
      expect(await bob.next('lobby_peerDisconnect')).toEqual({ lobbyId, peerName: 'Ann' });
      await expectNothingReceived([ann], [marks[1]]);
      expect(await lobbyMembers(lobbyId)).toEqual(['Host', 'Bob']);
      // Still connected, with the same token: it may join again (or create).
      expect(ann.isOpen).toBe(true);
      expect((await postJoin(http, ann.token, lobbyId, 'Ann')).status).toBe(200);
      expectErrors(await leave(ann, 'ZZZZZ'), 409, message.notInLobby);
      expect((await leave(ann, lobbyId)).status).toBe(200);
      const created = await request(http).post('/lobbies').send(lobbyBody(ann));
      expect(created.status).toBe(201);
    });

    it('answers 409 to a client that is not a member, 400 to a bad token or lobby id', async () => {
      await start();
      const { lobbyId } = await lobbyOf(['Ann']);
      const stranger = await pool.connect();
      expectErrors(await leave(stranger, lobbyId), 409, message.notInLobby);
      expectErrors(await leave('not-a-token', lobbyId), 400, UNREGISTERED);
      expectErrors(await leave(stranger, 'ab!'), 400);
      expectErrors(await request(http).post(`/lobbies/${lobbyId}/leave`).send({}), 400);
    });

    it('closes the lobby when the host leaves a lobby without hostMigration, as when it disconnects', async () => {
      await start();
      const { lobbyId, host, members } = await lobbyOf(['Ann', 'Bob']);
      const response = await leave(host, lobbyId);
      expect(response.status).toBe(200);
      for (const member of members) {
        expect(await member.next('lobby_closed')).toEqual({ lobbyId, lobbyName: 'Friday Night' });
      }
      expect(await lobbyMembers(lobbyId)).toBeUndefined();
      expect(host.isOpen).toBe(true);
      expect(host.all('lobby_closed')).toEqual([]);
    });

    it('aborts a running mediation when a member leaves, as a disconnect does', async () => {
      await start();
      const { lobbyId, host, members } = await lobbyOf(['Ann', 'Bob']);
      const [ann, bob] = members;
      await startMediation(http, host, lobbyId);
      await bob.next('ptpMediation_send');
      expect((await leave(ann, lobbyId)).status).toBe(200);
      expect(await host.next('ptpMediation_aborted')).toEqual({
        abortReason: 'Ann left the lobby.',
      });
      expect(await bob.next('lobby_peerDisconnect')).toEqual({ lobbyId, peerName: 'Ann' });
      expect(await bob.next('ptpMediation_aborted')).toEqual({
        abortReason: 'Ann left the lobby.',
      });
      // The lobby is open again: another member may join.
      const late = await pool.connect();
      expect((await postJoin(http, late.token, lobbyId, 'Late')).status).toBe(200);
    });
  });

  describe('host hand-over', () => {
    it('hands the lobby to the member present longest when the host leaves or disconnects', async () => {
      await start();
      const { lobbyId, host, members } = await lobbyOf(
        ['Ann', 'Bob', 'Cid'],
        {},
        {
          hostMigration: true,
        },
      );
      const [ann, bob, cid] = members;
      const marks = mark([ann, bob, cid]);
      expect((await leave(host, lobbyId)).status).toBe(200);
      for (const member of members) {
        expect(await member.next('lobby_peerDisconnect')).toEqual({ lobbyId, peerName: 'Host' });
        expect(await member.next('lobby_hostChanged')).toEqual({ lobbyId, hostName: 'Ann' });
      }
      members.forEach((member, i) =>
        expect(methodsSince(member, marks[i])).toEqual([
          'lobby_peerDisconnect',
          'lobby_hostChanged',
        ]),
      );
      expect(await lobbyMembers(lobbyId)).toEqual(['Ann', 'Bob', 'Cid']);
      // Ann is host now: she may start mediation, Bob may not.
      expectErrors(await patch(bob, lobbyId, { lobbyName: 'Mine' }), 409, message.notHost);
      expect((await patch(ann, lobbyId, { lobbyName: 'Anns' })).status).toBe(200);

      // A disconnect hands over too.
      await ann.close();
      expect(await bob.next('lobby_peerDisconnect')).toEqual({ lobbyId, peerName: 'Ann' });
      expect(await bob.next('lobby_hostChanged')).toEqual({ lobbyId, hostName: 'Bob' });
      expect(await cid.next('lobby_hostChanged')).toEqual({ lobbyId, hostName: 'Bob' });
      // The last member's leaving closes the lobby.
      expect((await leave(cid, lobbyId)).status).toBe(200);
      expect((await leave(bob, lobbyId)).status).toBe(200);
      expect(await lobbyMembers(lobbyId)).toBeUndefined();
      const metrics = await request(http).get('/metrics');
      expect(metrics.text).toContain('orion_lobby_host_handovers_total 2');
      expect(metrics.text).toContain('orion_lobby_leaves_total 3');
    });

    it('closes a hostMigration lobby whose host leaves during mediation', async () => {
      await start();
      const { lobbyId, host, members } = await lobbyOf(['Ann'], {}, { hostMigration: true });
      await startMediation(http, host, lobbyId);
      await members[0].next('ptpMediation_send');
      expect((await leave(host, lobbyId)).status).toBe(200);
      expect(await members[0].next('lobby_closed')).toEqual({ lobbyId, lobbyName: 'Friday Night' });
      expect(members[0].all('lobby_hostChanged')).toEqual([]);
      expect(await lobbyMembers(lobbyId)).toBeUndefined();
    });

    it('refuses a hostMigration that is not a boolean', async () => {
      await start();
      const host = await pool.connect();
      const response = await request(http)
        .post('/lobbies')
        .send({ ...lobbyBody(host), hostMigration: 'yes' });
      expectErrors(response, 400, 'hostMigration must be true or false.');
    });
  });

  describe('kick', () => {
    it('takes the member out, tells it lobby_kicked and the others lobby_peerDisconnect', async () => {
      await start();
      const { lobbyId, host, members } = await lobbyOf(['Ann', 'Bob']);
      const [ann, bob] = members;
      const response = await kick(host, lobbyId, { peerName: 'ANN' });
      expect(response.status, response.text).toBe(200);
      expect(response.body).toEqual({ lobbyId, peerName: 'Ann' });
      expect(await ann.next('lobby_kicked')).toEqual({ lobbyId, lobbyName: 'Friday Night' });
      expect(await host.next('lobby_peerDisconnect')).toEqual({ lobbyId, peerName: 'Ann' });
      expect(await bob.next('lobby_peerDisconnect')).toEqual({ lobbyId, peerName: 'Ann' });
      expect(ann.all('lobby_peerDisconnect')).toEqual([]);
      expect(ann.isOpen).toBe(true);
      expect(await lobbyMembers(lobbyId)).toEqual(['Host', 'Bob']);
      // Without a ban, it may come back.
      expect((await postJoin(http, ann.token, lobbyId, 'Ann')).status).toBe(200);
      const metrics = await request(http).get('/metrics');
      expect(metrics.text).toContain('orion_lobby_kicks_total 1');
    });

    it('answers 409 to a member, to the host naming itself or nobody, and 400 to a bad banMs', async () => {
      await start();
      const { lobbyId, host, members } = await lobbyOf(['Ann']);
      const stranger = await pool.connect();
      const marks = mark([host, members[0]]);
      expectErrors(await kick(members[0], lobbyId, { peerName: 'Host' }), 409, message.notHost);
      expectErrors(await kick(stranger, lobbyId, { peerName: 'Ann' }), 409, message.notInLobby);
      expectErrors(await kick(host, lobbyId, { peerName: 'host ' }), 409, message.cannotKickSelf);
      expectErrors(await kick(host, lobbyId, { peerName: 'Zed' }), 409, message.noSuchMember);
      expectErrors(await kick(host, 'ZZZZZ', { peerName: 'Ann' }), 409, message.notInLobby);
      for (const banMs of [-1, 600_001, 1.5, '10']) {
        expectErrors(await kick(host, lobbyId, { peerName: 'Ann', banMs }), 400);
      }
      expectErrors(await kick(host, lobbyId, {}), 400);
      await expectNothingReceived([host, members[0]], marks);
      expect(await lobbyMembers(lobbyId)).toEqual(['Host', 'Ann']);
    });

    it('bans the kicked client for banMs, but not a new connection or another client', async () => {
      await start();
      const { lobbyId, host, members } = await lobbyOf(['Ann']);
      const [ann] = members;
      expect((await kick(host, lobbyId, { peerName: 'Ann', banMs: 600_000 })).status).toBe(200);
      expectErrors(await postJoin(http, ann.token, lobbyId, 'Ann'), 409, message.banned);
      expectErrors(await postJoin(http, ann.token, lobbyId, 'Other'), 409, message.banned);
      const fresh = await pool.connect();
      expect((await postJoin(http, fresh.token, lobbyId, 'Ann')).status).toBe(200);
      // A short ban ends.
      expect((await kick(host, lobbyId, { peerName: 'Ann', banMs: 200 })).status).toBe(200);
      expectErrors(await postJoin(http, fresh.token, lobbyId, 'Ann'), 409, message.banned);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await postJoin(http, fresh.token, lobbyId, 'Ann')).status).toBe(200);
    });

    it('aborts a running mediation, and the lobby opens again', async () => {
      await start();
      const { lobbyId, host, members } = await lobbyOf(['Ann', 'Bob']);
      const [ann, bob] = members;
      await startMediation(http, host, lobbyId);
      await ann.next('ptpMediation_send');
      expect((await kick(host, lobbyId, { peerName: 'Ann' })).status).toBe(200);
      expect(await ann.next('lobby_kicked')).toEqual({ lobbyId, lobbyName: 'Friday Night' });
      expect(await bob.next('lobby_peerDisconnect')).toEqual({ lobbyId, peerName: 'Ann' });
      expect(await bob.next('ptpMediation_aborted')).toEqual({
        abortReason: 'Ann left the lobby.',
      });
      expect(await host.next('ptpMediation_aborted')).toEqual({
        abortReason: 'Ann left the lobby.',
      });
      const late = await pool.connect();
      expect((await postJoin(http, late.token, lobbyId, 'Late')).status).toBe(200);
    });
  });

  describe('lobby update', () => {
    it('changes name, visibility and data, tells every member, and the listing follows', async () => {
      await start();
      const { lobbyId, host, members } = await lobbyOf(['Ann'], {}, { data: { mode: 'ctf' } });
      const [ann] = members;
      const response = await patch(host, lobbyId, {
        lobbyName: 'Saturday',
        data: { map: 'harbor', players: 4 },
      });
      expect(response.status, response.text).toBe(200);
      const settings = {
        lobbyId,
        lobbyName: 'Saturday',
        isPublic: true,
        data: { map: 'harbor', players: 4 },
      };
      expect(response.body).toEqual(settings);
      expect(await host.next('lobby_updated')).toEqual(settings);
      expect(await ann.next('lobby_updated')).toEqual(settings);
      let listed = await request(http).get('/lobbies').query({ 'data.map': 'harbor' });
      expect(listed.body.lobbies).toEqual([
        {
          name: 'Saturday',
          id: lobbyId,
          currentMembers: 2,
          maxMembers: 8,
          hasPassword: false,
          data: { map: 'harbor', players: 4 },
        },
      ]);

      expect((await patch(host, lobbyId, { isPublic: false, data: null })).body).toEqual({
        ...settings,
        isPublic: false,
        data: {},
      });
      listed = await request(http).get('/lobbies');
      expect(listed.body.lobbies).toEqual([]);
      expect((await patch(host, lobbyId, { isPublic: true })).status).toBe(200);
      listed = await request(http).get('/lobbies');
      // Cleared data: listed the original way again.
      expect(listed.body.lobbies).toEqual([
        { name: 'Saturday', id: lobbyId, currentMembers: 2, maxMembers: 8 },
      ]);
      expect(ann.all('lobby_updated')).toHaveLength(3);
    });

    it('refuses a member, a stranger, a locked lobby, an empty change and bad values', async () => {
      await start();
      const { lobbyId, host, members } = await lobbyOf(['Ann']);
      const stranger = await pool.connect();
      expectErrors(await patch(members[0], lobbyId, { lobbyName: 'X' }), 409, message.notHost);
      expectErrors(await patch(stranger, lobbyId, { lobbyName: 'X' }), 409, message.notInLobby);
      expectErrors(await patch(host, 'ZZZZZ', { lobbyName: 'X' }), 409, message.notInLobby);
      expectErrors(
        await patch(host, lobbyId, {}),
        400,
        'Send at least one of lobbyName, isPublic and data.',
      );
      expectErrors(await patch(host, lobbyId, { lobbyName: ' bad' }), 400);
      expectErrors(await patch(host, lobbyId, { isPublic: 'yes' }), 400);
      expectErrors(await patch(host, lobbyId, { data: { nested: { a: 1 } } }), 400);
      await startMediation(http, host, lobbyId);
      expectErrors(await patch(host, lobbyId, { lobbyName: 'X' }), 409, message.mediationUnderway);
      expect(host.all('lobby_updated')).toEqual([]);
    });
  });

  describe('quick join', () => {
    it('seats the client in the oldest matching open lobby and answers as a join', async () => {
      await start();
      const full = await lobbyOf(['Ann'], { maxMembers: 2, lobbyName: 'Full' });
      await lobbyOf([], { lobbyName: 'Secret' }, { password: 'hunter2' });
      await lobbyOf([], { lobbyName: 'Hidden', isPublic: false });
      const ctf = await lobbyOf([], { lobbyName: 'Ctf' }, { data: { mode: 'ctf' } });
      const any = await lobbyOf([], { lobbyName: 'Any' }, { data: { mode: 'dm' } });
      const locked = await lobbyOf(['Bob'], { lobbyName: 'Locked' });
      await startMediation(http, locked.host, locked.lobbyId);
      expect(full.lobbyId).toBeTruthy();

      const joiner = await pool.connect();
      const response = await quickJoin(joiner, 'Zoe', { 'data.mode': 'dm' });
      expect(response.status, response.text).toBe(200);
      expect(response.body).toEqual({
        lobbyId: any.lobbyId,
        lobbyName: 'Any',
        lobbyMembers: ['Host', 'Zoe'],
        host: 'Host',
      });
      expect(await any.host.next('lobby_peerConnect')).toEqual({
        lobbyId: any.lobbyId,
        peerName: 'Zoe',
      });
      expectErrors(await quickJoin(joiner, 'Zoe'), 409, message.alreadyInLobby);

      const second = await pool.connect();
      const oldest = await quickJoin(second, 'Yan');
      expect(oldest.body.lobbyId).toBe(ctf.lobbyId);
      const third = await pool.connect();
      expectErrors(
        await quickJoin(third, 'Xi', { 'data.mode': 'none' }),
        409,
        message.noMatchingLobby,
      );
    });

    it('passes over a lobby where the name is taken, and refuses paging and bad filters', async () => {
      await start();
      const first = await lobbyOf(['Ann']);
      const second = await lobbyOf([]);
      const joiner = await pool.connect();
      const response = await quickJoin(joiner, 'ann');
      expect(response.body.lobbyId).toBe(second.lobbyId);
      expect(first.lobbyId).not.toBe(second.lobbyId);
      const other = await pool.connect();
      expectErrors(await quickJoin(other, 'Q', { limit: '5' }), 400);
      expectErrors(await quickJoin(other, 'Q', { after: first.lobbyId }), 400);
      expectErrors(await quickJoin(other, 'Q', { notFull: 'maybe' }), 400);
      expectErrors(await quickJoin(other, ' bad'), 400);
      expectErrors(
        await request(http).post('/lobbies/quick-join').send({ token: 'nope', peerName: 'Q' }),
        400,
        UNREGISTERED,
      );
    });

    it('fills exactly the free seats when more clients race for them than there are', async () => {
      await start();
      const { lobbyId, host } = await lobbyOf([], { maxMembers: 3 });
      const clients = await pool.connectMany(6);
      const responses = await Promise.all(clients.map((client, i) => quickJoin(client, `P${i}`)));
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses).toEqual([200, 200, 409, 409, 409, 409]);
      for (const response of responses.filter((r) => r.status === 409)) {
        expectErrors(response, 409, message.noMatchingLobby);
      }
      expect(await lobbyMembers(lobbyId)).toHaveLength(3);
      const seated = responses
        .filter((r) => r.status === 200)
        .map((r) => r.body.lobbyMembers.at(-1));
      expect(
        host
          .all('lobby_peerConnect')
          .map((m) => m.peerName)
          .sort(),
      ).toEqual(seated.sort());
    });
  });

  it('works through the SDK: hand-over, kick, update, leave and quick join', async () => {
    await start();
    const sdkClients: OrionClient[] = [];
    const connect = async () => {
      const client = await OrionClient.connect({ url: http, localAddress: '127.0.0.1' });
      sdkClients.push(client);
      return client;
    };
    try {
      const [host, ann, bob] = [await connect(), await connect(), await connect()];
      const { lobbyId } = await host.host({
        hostName: 'Host',
        lobbyName: 'Sdk',
        isPublic: true,
        hostMigration: true,
      });
      expect((await ann.quickJoin('Ann')).lobbyId).toBe(lobbyId);
      await bob.join(lobbyId, 'Bob');
      const settings = await host.updateLobby({ lobbyName: 'Sdk2', data: { mode: 'ctf' } });
      expect(settings).toEqual({
        lobbyId,
        lobbyName: 'Sdk2',
        isPublic: true,
        data: { mode: 'ctf' },
      });
      expect(await bob.next('lobby_updated')).toEqual(settings);
      await host.leave();
      expect(host.lobbyId).toBeUndefined();
      expect(await bob.next('lobby_hostChanged')).toEqual({ lobbyId, hostName: 'Ann' });
      await ann.kick('bob', { banMs: 60_000 });
      expect(await bob.next('lobby_kicked')).toEqual({ lobbyId, lobbyName: 'Sdk2' });
      expect(bob.lobbyId).toBeUndefined();
      const refused = await bob.join(lobbyId, 'Bob').catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(OrionRequestError);
      expect((refused as OrionRequestError).errors).toEqual([message.banned]);
      expect(bob.lobbyId).toBeUndefined();
    } finally {
      await Promise.all(sdkClients.map((client) => client.close()));
    }
  });

  it('leaves the original routes as they were: a lobby created without the new fields', async () => {
    await start();
    const host = await pool.connect();
    const { lobbyId } = await createLobby(http, host);
    const member = await pool.connect();
    await joinLobby(http, member, lobbyId, 'Ann');
    await member.close();
    expect(await host.next('lobby_peerDisconnect')).toEqual({ lobbyId, peerName: 'Ann' });
    expect(host.all('lobby_hostChanged')).toEqual([]);
  });
});

const REDIS_URL = process.env.REDIS_URL;

/** Two replicas sharing one Redis: a client's socket on one, its requests through the other. */
describe.skipIf(!REDIS_URL)('leave, kick and hand-over across two replicas', () => {
  let a: OrionTestApp | undefined;
  let b: OrionTestApp | undefined;
  let poolA: ClientPool;
  let poolB: ClientPool;

  afterEach(async () => {
    await poolA?.closeAll();
    await poolB?.closeAll();
    await a?.close();
    await b?.close();
    a = b = undefined;
  });

  it('hands over and kicks with every member told, whichever replica holds whom', async () => {
    const shared = { redisUrl: REDIS_URL, redisKeyPrefix: `{orion-e2e-${randomUUID()}}:` };
    a = await startOrion(shared);
    b = await startOrion(shared);
    poolA = new ClientPool(() => a!.wsUrl);
    poolB = new ClientPool(() => b!.wsUrl);
    const host = await poolA.connect();
    const ann = await poolB.connect();
    const bob = await poolA.connect();
    const created = await request(a.httpUrl)
      .post('/lobbies')
      .send({ ...lobbyBody(host), hostMigration: true });
    expect(created.status, created.text).toBe(201);
    const lobbyId = created.body.lobbyId as string;
    await joinLobby(b.httpUrl, ann, lobbyId, 'Ann');
    await joinLobby(a.httpUrl, bob, lobbyId, 'Bob');

    // The host's socket is on A; it leaves through B.
    const left = await request(b.httpUrl)
      .post(`/lobbies/${lobbyId}/leave`)
      .send({ token: host.token });
    expect(left.status, left.text).toBe(200);
    for (const member of [ann, bob]) {
      expect(await member.next('lobby_peerDisconnect')).toEqual({ lobbyId, peerName: 'Host' });
      expect(await member.next('lobby_hostChanged')).toEqual({ lobbyId, hostName: 'Ann' });
    }

    // Ann, on B, kicks Bob (on A) through A.
    const kicked = await request(a.httpUrl)
      .post(`/lobbies/${lobbyId}/kick`)
      .send({ token: ann.token, peerName: 'Bob' });
    expect(kicked.status, kicked.text).toBe(200);
    expect(await bob.next('lobby_kicked')).toEqual({ lobbyId, lobbyName: 'Friday Night' });
    expect(await ann.next('lobby_peerDisconnect')).toEqual({ lobbyId, peerName: 'Bob' });

    const updated = await request(b.httpUrl)
      .patch(`/lobbies/${lobbyId}`)
      .send({ token: ann.token, isPublic: false });
    expect(updated.status, updated.text).toBe(200);
    expect(await ann.next('lobby_updated')).toMatchObject({ lobbyId, isPublic: false });
    expect((await request(a.httpUrl).get('/lobbies')).body.lobbies).toEqual([]);
  });
});
