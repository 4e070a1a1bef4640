/**
 * Conformance of the HTTP lobby routes: ping, list, create, join, and their 400 and 409
 * answers. See test/support/conformance/server.ts for how the server under test is run.
 */
import { describe, expect, it } from 'vitest';
import { Client } from '../support/conformance/client.js';
import { errorMismatch, expectError, http, type HttpResult } from '../support/conformance/http.js';
import {
  createLobby,
  joinLobby,
  listLobbies,
  setupLobby,
  startMediation,
} from '../support/conformance/lobby.js';
import {
  itSentOnlyWellFormedFramesAndLeakedNoToken,
  useConformanceServer,
} from '../support/conformance/server.js';
import type { Json } from '../support/conformance/wire.js';
import { sleep } from '../support/timing.js';

useConformanceServer();

describe('Orion conformance (spec-only client): HTTP lobbies', () => {
  it('GET /ping answers 200 "pong"', async () => {
    const res = await http('GET', '/ping');
    expect(res.status).toBe(200);
    expect(res.text).toBe('pong');
  });

  it('GET /lobbies lists public lobbies as { name, id, currentMembers, maxMembers } and hides private ones', async () => {
    const publicHost = await Client.connect('publicHost');
    const privateHost = await Client.connect('privateHost');
    const publicId = await createLobby(publicHost, { lobbyName: 'Public Lobby', maxMembers: 4 });
    const privateId = await createLobby(privateHost, {
      lobbyName: 'Private Lobby',
      isPublic: false,
      maxMembers: 4,
    });

    const res = await http('GET', '/lobbies');
    expect(res.status).toBe(200);
    expect(Object.keys(res.json as Json)).toEqual(['lobbies']);
    let lobbies = (res.json as { lobbies: Json[] }).lobbies;
    expect(Array.isArray(lobbies)).toBe(true);
    expect(lobbies.find((l) => l.id === publicId)).toEqual({
      name: 'Public Lobby',
      id: publicId,
      currentMembers: 1,
      maxMembers: 4,
    });
    expect(lobbies.find((l) => l.id === privateId)).toBeUndefined();

    // A private lobby can still be joined by id; a join is reflected in currentMembers.
    const m1 = await Client.connect('m1');
    await joinLobby(m1, privateId, 'Sneaky');
    const m2 = await Client.connect('m2');
    await joinLobby(m2, publicId, 'Visible');
    lobbies = await listLobbies();
    expect(lobbies.find((l) => l.id === publicId)?.currentMembers).toBe(2);
    expect(lobbies.find((l) => l.id === privateId)).toBeUndefined();
  });

  it('POST /lobbies creates a lobby: 201 { lobbyName, lobbyId } with a 5-character base-36 id', async () => {
    const ids = new Set<string>();
    const cases: { lobbyName: string; maxMembers: number; hostName: string }[] = [
      { lobbyName: 'My Lobby', maxMembers: 4, hostName: 'Host' },
      { lobbyName: 'x'.repeat(50), maxMembers: 1, hostName: 'h'.repeat(50) },
      { lobbyName: '_under score 9', maxMembers: 64, hostName: '_Host 2' },
    ];
    for (const [i, c] of cases.entries()) {
      const host = await Client.connect(`host${i}`);
      const res = await http('POST', '/lobbies', {
        token: host.token,
        hostName: c.hostName,
        lobbyName: c.lobbyName,
        isPublic: i % 2 === 0,
        maxMembers: c.maxMembers,
        somethingExtra: 'ignored',
      });
      expect(res.status, `create ${JSON.stringify(c)}: ${res.text}`).toBe(201);
      const body = res.json as Json;
      expect(Object.keys(body).sort()).toEqual(['lobbyId', 'lobbyName']);
      expect(body.lobbyName).toBe(c.lobbyName);
      expect(body.lobbyId).toMatch(/^[A-Z0-9]{5}$/);
      ids.add(body.lobbyId as string);
    }
    expect(ids.size).toBe(cases.length);
  });

  it('POST /lobbies/:lobbyId/join answers 200 { lobbyId, lobbyName, lobbyMembers, host } and sends lobby_peerConnect to the existing members', async () => {
    const host = await Client.connect('host');
    const lobbyId = await createLobby(host, { lobbyName: 'Join Test', hostName: 'Host' });

    const p1 = await Client.connect('p1');
    const r1 = await joinLobby(p1, lobbyId, 'Peer_1');
    expect(r1.json).toEqual({
      lobbyId,
      lobbyName: 'Join Test',
      lobbyMembers: ['Host', 'Peer_1'],
      host: 'Host',
    });
    const c1 = await host.next('lobby_peerConnect');
    expect(c1.payload).toEqual({ lobbyId, peerName: 'Peer_1' });

    // decided: the id is accepted in any letter case
    const p2 = await Client.connect('p2');
    const r2 = await joinLobby(p2, lobbyId.toLowerCase(), 'Peer 2');
    expect(r2.json).toEqual({
      lobbyId,
      lobbyName: 'Join Test',
      lobbyMembers: ['Host', 'Peer_1', 'Peer 2'],
      host: 'Host',
    });
    expect((await host.next('lobby_peerConnect')).payload).toEqual({ lobbyId, peerName: 'Peer 2' });
    expect((await p1.next('lobby_peerConnect')).payload).toEqual({ lobbyId, peerName: 'Peer 2' });

    await sleep(300);
    expect(host.all('lobby_peerConnect')).toHaveLength(2);
    expect(p1.all('lobby_peerConnect'), 'the joiner is not told about itself').toHaveLength(1);
    expect(p2.all('lobby_peerConnect'), 'the joiner is not told about itself').toHaveLength(0);
  });

  it('answers 400 { errors: string[] } when a request body fails validation', async () => {
    const c = await Client.connect('c');
    const host = await Client.connect('host');
    const lobbyId = await createLobby(host, { lobbyName: 'Validation', maxMembers: 8 });
    const good = {
      token: c.token,
      hostName: 'Valid Host',
      lobbyName: 'Valid Lobby',
      isPublic: true,
      maxMembers: 4,
    };
    const mismatches: string[] = [];
    const check = async (label: string, path: string, body: unknown, raw?: string) => {
      const res = await http('POST', path, body, raw);
      const problem = errorMismatch(res, 400);
      if (problem) mismatches.push(`${label}: ${problem}`);
    };
    const join = `/lobbies/${lobbyId}/join`;
    const start = `/lobbies/${lobbyId}/ptp/start`;
    const createCases: [string, Json][] = [
      ['create {}', {}],
      ['create without token', { ...good, token: undefined }],
      ['create with numeric token', { ...good, token: 12345 }],
      ['create with unknown token', { ...good, token: 'not-a-real-token-0123456789abcdef' }],
      ['create with empty hostName', { ...good, hostName: '' }],
      ['create with hostName starting with a space', { ...good, hostName: ' Host' }],
      ['create with hostName containing "-"', { ...good, hostName: 'Ho-st' }],
      ['create with 51-char hostName', { ...good, hostName: 'a'.repeat(51) }],
      ['create without hostName', { ...good, hostName: undefined }],
      ['create with lobbyName starting with a space', { ...good, lobbyName: ' Lobby' }],
      ['create with lobbyName containing "!"', { ...good, lobbyName: 'Lobby!' }],
      ['create with 51-char lobbyName', { ...good, lobbyName: 'b'.repeat(51) }],
      ['create without lobbyName', { ...good, lobbyName: undefined }],
      ['create with isPublic "true"', { ...good, isPublic: 'true' }],
      ['create without isPublic', { ...good, isPublic: undefined }],
      ['create with maxMembers 0', { ...good, maxMembers: 0 }],
      ['create with maxMembers 65', { ...good, maxMembers: 65 }],
      ['create with maxMembers "4"', { ...good, maxMembers: '4' }],
      ['create with maxMembers 2.5', { ...good, maxMembers: 2.5 }],
      ['create without maxMembers', { ...good, maxMembers: undefined }],
    ];
    for (const [label, body] of createCases) await check(label, '/lobbies', body);
    await check('create with malformed JSON', '/lobbies', undefined, '{"token": ');

    const joinCases: [string, Json][] = [
      ['join {}', {}],
      ['join without peerName', { token: c.token }],
      ['join without token', { peerName: 'Someone' }],
      ['join with unknown token', { token: 'not-a-real-token-0123456789abcdef', peerName: 'X' }],
      ['join with peerName starting with a space', { token: c.token, peerName: ' Someone' }],
      ['join with peerName containing "!"', { token: c.token, peerName: 'Some!' }],
      ['join with 51-char peerName', { token: c.token, peerName: 'c'.repeat(51) }],
      ['join with empty peerName', { token: c.token, peerName: '' }],
      ['join with numeric peerName', { token: c.token, peerName: 5 }],
    ];
    for (const [label, body] of joinCases) await check(label, join, body);
    await check('join with malformed JSON', join, undefined, '{"token"');

    await check('ptp/start {}', start, {});
    await check('ptp/start with numeric token', start, { token: 42 });
    await check('ptp/start with unknown token', start, { token: 'not-a-real-token-0123' });
    await check('ptp/start with malformed JSON', start, undefined, 'nope');

    expect(mismatches).toEqual([]);

    // None of the rejected requests changed anything.
    const listed = (await listLobbies()).find((l) => l.id === lobbyId);
    expect(listed?.currentMembers).toBe(1);
    const res = await http('POST', '/lobbies', good);
    expect(res.status, 'the client is still free to create a lobby').toBe(201);
    await sleep(200);
    expect(host.since(1, 'ptpMediation_'), 'no mediation was started').toEqual([]);
  });

  it('answers 409 when joining a full lobby', async () => {
    const { lobbyId } = await setupLobby(1, false, { maxMembers: 2, lobbyName: 'Full Lobby' });
    const late = await Client.connect('late');
    const res = await http('POST', `/lobbies/${lobbyId}/join`, {
      token: late.token,
      peerName: 'Latecomer',
    });
    expectError(res, 409, 'join a lobby with maxMembers 2 that has 2 members');
    expect((await listLobbies()).find((l) => l.id === lobbyId)?.currentMembers).toBe(2);

    const soloHost = await Client.connect('soloHost');
    const soloId = await createLobby(soloHost, { hostName: 'Solo', maxMembers: 1 });
    const res2 = await http('POST', `/lobbies/${soloId}/join`, {
      token: late.token,
      peerName: 'Latecomer',
    });
    expectError(res2, 409, 'join a lobby with maxMembers 1');
  });

  it('answers 409 when the peerName is already taken in the lobby', async () => {
    const { lobbyId, host } = await setupLobby(1);
    const other = await Client.connect('other');
    expectError(
      await http('POST', `/lobbies/${lobbyId}/join`, { token: other.token, peerName: 'Host' }),
      409,
      "join with the host's name",
    );
    expectError(
      await http('POST', `/lobbies/${lobbyId}/join`, { token: other.token, peerName: 'Peer_1' }),
      409,
      "join with a member's name",
    );
    // The refused client is not in the lobby and can join with a free name.
    const ok = await joinLobby(other, lobbyId, 'Peer_9');
    expect((ok.json as Json).lobbyMembers).toEqual(['Host', 'Peer_1', 'Peer_9']);
    await host.next('lobby_peerConnect', 2000, (p) => p.peerName === 'Peer_9');
    expect(host.all('lobby_peerConnect').map((m) => m.payload.peerName)).toEqual([
      'Peer_1',
      'Peer_9',
    ]);
  });

  it('answers 409 when the client is already in a lobby', async () => {
    const { lobbyId, host, members } = await setupLobby(1);
    const otherHost = await Client.connect('otherHost');
    const otherId = await createLobby(otherHost, { hostName: 'Other' });
    const body = { hostName: 'Again', lobbyName: 'Second', isPublic: true, maxMembers: 4 };
    const mismatches = [
      [
        'host creates a second lobby',
        await http('POST', '/lobbies', { ...body, token: host.token }),
      ],
      [
        'host joins another lobby',
        await http('POST', `/lobbies/${otherId}/join`, { token: host.token, peerName: 'Hopper' }),
      ],
      [
        'member creates a lobby',
        await http('POST', '/lobbies', { ...body, token: members[0].token }),
      ],
      [
        'member joins another lobby',
        await http('POST', `/lobbies/${otherId}/join`, {
          token: members[0].token,
          peerName: 'Hopper',
        }),
      ],
      [
        'member joins its own lobby again under another name',
        await http('POST', `/lobbies/${lobbyId}/join`, {
          token: members[0].token,
          peerName: 'Twin',
        }),
      ],
    ]
      .map(([label, res]) => [label, errorMismatch(res as HttpResult, 409)])
      .filter(([, problem]) => problem !== null)
      .map(([label, problem]) => `${label}: ${problem}`);
    expect(mismatches).toEqual([]);
    expect((await listLobbies()).find((l) => l.id === otherId)?.currentMembers).toBe(1);
  });

  it('answers 409 when the lobby does not exist', async () => {
    const existing = new Set((await listLobbies()).map((l) => l.id));
    let missing = 'ZZZZZ';
    while (existing.has(missing)) missing = Math.random().toString(36).slice(2, 7).toUpperCase();
    const c = await Client.connect('c');
    expectError(
      await http('POST', `/lobbies/${missing}/join`, { token: c.token, peerName: 'Nobody' }),
      409,
      'join a lobby that does not exist',
    );
    expectError(
      await startMediation(missing, c.token),
      409,
      'start mediation of a lobby that does not exist',
    );
  });

  itSentOnlyWellFormedFramesAndLeakedNoToken(25);
});
