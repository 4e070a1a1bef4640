/**
 * Conformance of the WebSocket side: registration, lobby chat, ignored messages, and leaving by
 * closing the socket. See test/support/conformance/server.ts for how the server is run.
 */
import { describe, expect, it } from 'vitest';
import { Client } from '../support/conformance/client.js';
import { expectError, http } from '../support/conformance/http.js';
import { createLobby, joinLobby, listLobbies, setupLobby } from '../support/conformance/lobby.js';
import {
  itSentOnlyWellFormedFramesAndLeakedNoToken,
  useConformanceServer,
} from '../support/conformance/server.js';
import { encode, type Json } from '../support/conformance/wire.js';
import { sleep } from '../support/timing.js';

useConformanceServer();

describe('Orion conformance (spec-only client): WebSocket', () => {
  it('opening a WebSocket on any endpoint sends client_registered { token } to that socket only', async () => {
    const a = await Client.connect('a', '/');
    expect(a.msgs[0].method).toBe('client_registered');
    expect(Object.keys(a.msgs[0].payload)).toEqual(['token']);
    expect(typeof a.msgs[0].payload.token).toBe('string');
    expect(a.token.length).toBeGreaterThan(0);

    const b = await Client.connect('b', '/lobbies');
    expect(b.msgs[0].method).toBe('client_registered');
    expect(b.token.length).toBeGreaterThan(0);
    expect(b.token === a.token, 'two clients got the same token').toBe(false);

    await sleep(300);
    expect(a.all('client_registered')).toHaveLength(1);
    expect(b.all('client_registered')).toHaveLength(1);

    // The token is invalidated when the WS closes (decided: a stale token is a 400).
    const staleToken = b.token;
    await b.close();
    await sleep(200);
    const res = await http('POST', '/lobbies', {
      token: staleToken,
      hostName: 'Ghost',
      lobbyName: 'Ghost Lobby',
      isPublic: true,
      maxMembers: 2,
    });
    expectError(res, 400, 'create with the token of a closed WebSocket');
  });

  it('lobby_messaging_send reaches all members, sender included, as lobby_messaging_received { lobbyId, message: { timestamp, senderName, message } }', async () => {
    const { lobbyId, host, members } = await setupLobby(2);
    const outsider = await Client.connect('outsider');
    const everyone = [host, ...members];

    members[0].send('lobby_messaging_send', {
      token: members[0].token,
      lobbyId,
      message: 'hello there',
    });
    for (const c of everyone) {
      const m = await c.next('lobby_messaging_received');
      expect(m.payload).toEqual({
        lobbyId,
        message: { timestamp: expect.any(Number), senderName: 'Peer_1', message: 'hello there' },
      });
      expect(Number.isFinite((m.payload.message as Json).timestamp)).toBe(true);
    }

    const longest = 'z'.repeat(250);
    host.send('lobby_messaging_send', { token: host.token, lobbyId, message: longest });
    for (const c of everyone) {
      const m = await c.next('lobby_messaging_received');
      expect(m.payload).toEqual({
        lobbyId,
        message: { timestamp: expect.any(Number), senderName: 'Host', message: longest },
      });
    }
    await sleep(200);
    for (const c of everyone) expect(c.all('lobby_messaging_received')).toHaveLength(2);
    expect(outsider.all('lobby_messaging_received')).toHaveLength(0);
  });

  it('invalid WS messages are ignored silently and the socket stays open', async () => {
    const { lobbyId, host, members } = await setupLobby(1);
    const p1 = members[0];
    const outsider = await Client.connect('outsider');
    const otherHost = await Client.connect('otherHost');
    const otherId = await createLobby(otherHost, { hostName: 'Other' });
    const everyone = [host, p1, outsider, otherHost];
    const marks = everyone.map((c) => c.mark());
    const valid = { token: p1.token, lobbyId, message: 'hi' };
    const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

    p1.send('lobby_messaging_send', { ...valid, message: '' });
    p1.send('lobby_messaging_send', { ...valid, message: 'y'.repeat(251) });
    p1.send('lobby_messaging_send', { ...valid, message: 42 });
    p1.send('lobby_messaging_send', { token: p1.token, message: 'no lobby id' });
    p1.send('lobby_messaging_send', { lobbyId, message: 'no token' });
    p1.send('lobby_messaging_send', { ...valid, token: 'not-a-real-token-0123456789' });
    p1.send('lobby_messaging_send', { ...valid, token: host.token }); // someone else's token
    p1.send('lobby_messaging_send', { ...valid, lobbyId: otherId }); // not a member there
    outsider.send('lobby_messaging_send', { token: outsider.token, lobbyId, message: 'hi' });
    otherHost.send('lobby_messaging_send', { token: otherHost.token, lobbyId, message: 'hi' });
    p1.sendRaw(Buffer.from(encode('lobby_messaging_send', valid)), true); // binary frame
    p1.sendRaw('lobby_messaging_send');
    p1.sendRaw('');
    p1.sendRaw('lobby_messaging_send:%%%not base64%%%');
    p1.sendRaw(`lobby_messaging_send:${b64('not json')}`);
    p1.sendRaw(`lobby_messaging_send:${b64('[1,2]')}`);
    p1.sendRaw(`lobby_messaging_send:${b64('"hi"')}`);
    p1.sendRaw(`lobby_messaging_send:${b64('null')}`);
    p1.send('lobby_messaging_sendd', valid);
    p1.send('no_such_method', valid);
    p1.send('ptpMediation_peersConnection_success', { token: p1.token });

    await sleep(500);
    for (const [i, c] of everyone.entries()) {
      expect(
        c.since(marks[i]).map((m) => m.method),
        `${c.label} got no reply to invalid messages`,
      ).toEqual([]);
      expect(c.isOpen, `${c.label}'s socket is still open`).toBe(true);
    }

    p1.send('lobby_messaging_send', valid);
    for (const c of [host, p1]) {
      const m = await c.next('lobby_messaging_received');
      expect((m.payload.message as Json).message).toBe('hi');
    }
    await sleep(200);
    expect(host.all('lobby_messaging_received')).toHaveLength(1);
    expect(p1.all('lobby_messaging_received')).toHaveLength(1);
  });

  it('a member closing its WebSocket leaves the lobby: lobby_peerDisconnect { lobbyId, peerName } to the others', async () => {
    const { lobbyId, host, members } = await setupLobby(2);
    const [p1, p2] = members;
    await p2.close();
    for (const c of [host, p1]) {
      const m = await c.next('lobby_peerDisconnect');
      expect(m.payload).toEqual({ lobbyId, peerName: 'Peer 2' });
    }
    expect((await listLobbies()).find((l) => l.id === lobbyId)?.currentMembers).toBe(2);

    // The name is free again.
    const again = await Client.connect('again');
    const res = await joinLobby(again, lobbyId, 'Peer 2');
    expect((res.json as Json).lobbyMembers).toEqual(['Host', 'Peer_1', 'Peer 2']);
    expect(
      (await host.next('lobby_peerConnect', 2000, (p) => p.peerName === 'Peer 2')).payload,
    ).toEqual({ lobbyId, peerName: 'Peer 2' });
    expect(host.all('lobby_closed')).toEqual([]);
    expect(p1.all('lobby_closed')).toEqual([]);
  });

  it('the host closing its WebSocket closes the lobby: lobby_closed { lobbyId, lobbyName } to the members', async () => {
    const { lobbyId, lobbyName, host, members } = await setupLobby(2, false, {
      lobbyName: 'Closing Lobby',
    });
    await host.close();
    for (const c of members) {
      const m = await c.next('lobby_closed');
      expect(m.payload).toEqual({ lobbyId, lobbyName });
    }
    expect(lobbyName).toBe('Closing Lobby');
    expect((await listLobbies()).find((l) => l.id === lobbyId)).toBeUndefined();
    const late = await Client.connect('late');
    expectError(
      await http('POST', `/lobbies/${lobbyId}/join`, { token: late.token, peerName: 'Late' }),
      409,
      'join a closed lobby',
    );
    // The former members are no longer in a lobby.
    const newId = await createLobby(members[0], { hostName: 'New Host' });
    await joinLobby(members[1], newId, 'Newbie');
  });

  itSentOnlyWellFormedFramesAndLeakedNoToken(30);
});
