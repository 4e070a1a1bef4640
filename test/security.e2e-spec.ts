import request, { type Response } from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeFrame } from '@orion/protocol';
import {
  ClientPool,
  UNREGISTERED,
  createLobby,
  expectErrors,
  expectNothingReceived,
  joinLobby,
  lobbyBody,
  lobbyWithMembers,
  mark,
  postJoin,
  postStart,
  startMediation,
} from './support/flows/http-flows.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import type { TestClient } from './support/clients/test-client.js';

/** Pieces of a token that must not leak either (a truncated token is still a leak). */
function fragmentsOf(token: string): string[] {
  return [token, token.slice(0, 16), token.slice(-16)];
}

describe('token secrecy and ownership', () => {
  let orion: OrionTestApp;
  let pool: ClientPool;
  let http: string;

  beforeEach(async () => {
    orion = await startOrion({ ptpmConnectTimeoutMs: 5_000, ptpmServerConnectTimeoutMs: 5_000 });
    http = orion.httpUrl;
    pool = new ClientPool(() => orion.wsUrl);
  });

  afterEach(async () => {
    await pool.closeAll();
    await orion.close();
  });

  /**
   * Every kind of traffic: 400s and 409s, create, join, chat (also spoofed), a full
   * mediation to success, a second mediation aborted by a leaver, malformed frames and
   * datagrams carrying tokens, and a stale token. Returns the clients and every HTTP
   * response seen on the way.
   */
  async function fullFlow(): Promise<{ clients: TestClient[]; responses: Response[] }> {
    const [host, ann, ben, outsider] = await pool.connectMany(4);
    const clients = [host, ann, ben, outsider];
    const responses: Response[] = [];
    const keep = (response: Response) => {
      responses.push(response);
      return response;
    };

    // 400s that carry a valid token next to a bad field.
    expectErrors(
      keep(
        await request(http)
          .post('/lobbies')
          .send(lobbyBody(host, { hostName: ' bad' })),
      ),
      400,
    );
    expectErrors(
      keep(
        await request(http)
          .post('/lobbies')
          .send({ ...lobbyBody(host), maxMembers: '4' }),
      ),
      400,
    );
    expectErrors(keep(await postJoin(http, ann.token, 'ABCDE', 'bad name!')), 400);
    expectErrors(
      keep(
        await request(http)
          .post('/lobbies')
          .set('Content-Type', 'application/json')
          .send(`{"token": "${host.token}", "hostName": `),
      ),
      400,
    );

    const { lobbyId } = await createLobby(http, host, { hostName: 'Host', lobbyName: 'Secrets' });
    expectErrors(keep(await request(http).post('/lobbies').send(lobbyBody(host))), 409);
    await joinLobby(http, ann, lobbyId, 'Ann');
    await joinLobby(http, ben, lobbyId, 'Ben');
    expectErrors(keep(await postJoin(http, outsider.token, lobbyId, 'Ann')), 409);
    expectErrors(keep(await postStart(http, ann.token, lobbyId)), 409);
    expectErrors(keep(await postStart(http, outsider.token, lobbyId)), 409);

    // Chat, a spoofed chat and malformed frames that carry tokens.
    ann.send('lobby_messaging_send', { token: ann.token, lobbyId, message: 'hello all' });
    outsider.send('lobby_messaging_send', { token: ann.token, lobbyId, message: 'spoof' });
    outsider.send('lobby_unknown', { token: outsider.token, lobbyId });
    outsider.sendRaw(Buffer.from(encodeFrame('lobby_messaging_send', { token: host.token })));
    ben.send('ptpMediation_peersConnection_success', { token: ben.token });
    for (const client of [host, ann, ben]) await client.next('lobby_messaging_received');

    // A mediation that succeeds.
    await startMediation(http, host, lobbyId);
    expectErrors(keep(await postStart(http, host.token, lobbyId)), 409);
    expectErrors(keep(await postJoin(http, outsider.token, lobbyId, 'Late')), 409);
    await outsider.sendUdp(orion.udpPort, `ptpMediation_connect:${host.token}`);
    await outsider.sendUdp(orion.udpPort);
    for (const client of [host, ann, ben]) {
      await client.next('ptpMediation_send');
      await client.sendUdp(orion.udpPort);
    }
    for (const client of [host, ann, ben]) await client.next('ptpMediation_peersConnection_start');
    for (const client of [host, ann, ben]) {
      client.send('ptpMediation_peersConnection_success', { token: client.token });
    }
    for (const client of [host, ann, ben]) {
      await client.next('ptpMediation_success');
      await client.next('lobby_closed');
    }

    // A mediation aborted because a member leaves.
    const second = await createLobby(http, ann, { hostName: 'Ann', lobbyName: 'Round Two' });
    await joinLobby(http, ben, second.lobbyId, 'Ben');
    await joinLobby(http, outsider, second.lobbyId, 'Otto');
    await startMediation(http, ann, second.lobbyId);
    await ben.next('ptpMediation_send');
    await ben.close();
    await ann.next('lobby_peerDisconnect');
    await ann.next('ptpMediation_aborted');
    await outsider.next('ptpMediation_aborted');

    // A stale token.
    expectErrors(keep(await request(http).post('/lobbies').send(lobbyBody(ben))), 400);
    expectErrors(keep(await postJoin(http, ben.token, second.lobbyId, 'Ben')), 400);

    // The host leaves: the lobby closes.
    await ann.close();
    await outsider.next('lobby_closed');
    return { clients, responses };
  }

  describe('the server log', () => {
    it('never contains a token, after create, join, chat, mediation, leaving and 400/409 errors', async () => {
      const { clients } = await fullFlow();
      const log = orion.logger.text;
      // The log is really captured, and really covers the flow.
      expect(orion.logger.lines.length).toBeGreaterThan(10);
      expect(log).toMatch(/"lobbyId":"[A-Z0-9]{5}","msg":"Mediation succeeded"/);
      expect(log).toMatch(/aborted/);
      for (const client of clients) {
        for (const fragment of fragmentsOf(client.token)) {
          expect(log.includes(fragment), 'a token fragment was found in the log').toBe(false);
        }
      }
    });
  });

  describe('HTTP responses', () => {
    it('never echo a token back, not even in 400 and 409 bodies', async () => {
      const { clients, responses } = await fullFlow();
      expect(responses.length).toBeGreaterThan(10);
      for (const response of responses) {
        for (const client of clients) {
          expect(response.text.includes(client.token), 'a token was echoed').toBe(false);
        }
      }
    });
  });

  describe('WebSocket messages', () => {
    it('never carry one client’s token to another client', async () => {
      const { clients } = await fullFlow();
      for (const receiver of clients) {
        expect(receiver.received.length).toBeGreaterThan(1);
        // A client's own token appears exactly once: in its client_registered.
        const own = receiver.received.filter((m) => JSON.stringify(m).includes(receiver.token));
        expect(own.map((m) => m.method)).toEqual(['client_registered']);
        const everything = JSON.stringify(receiver.received);
        for (const other of clients.filter((client) => client !== receiver)) {
          for (const fragment of fragmentsOf(other.token)) {
            expect(everything.includes(fragment), 'another client’s token was received').toBe(
              false,
            );
          }
        }
      }
    });
  });

  describe('ptpMediation_peersConnection_success with another client’s token', () => {
    async function inPeersPhase() {
      const { lobbyId, host, members } = await lobbyWithMembers(http, pool, ['Ann']);
      await startMediation(http, host, lobbyId);
      for (const client of [host, ...members]) {
        await client.next('ptpMediation_send');
        await client.sendUdp(orion.udpPort);
      }
      for (const client of [host, ...members]) {
        await client.next('ptpMediation_peersConnection_start');
      }
      return { lobbyId, host, ann: members[0] };
    }

    it('does nothing when an outsider sends a member’s token over its own socket', async () => {
      const { host, ann } = await inPeersPhase();
      const outsider = await pool.connect();
      host.send('ptpMediation_peersConnection_success', { token: host.token });
      const everyone = [host, ann, outsider];
      const marks = mark(everyone);

      outsider.send('ptpMediation_peersConnection_success', { token: ann.token });
      await expectNothingReceived(everyone, marks, 400);

      // Ann's own report still counts, and completes the mediation.
      ann.send('ptpMediation_peersConnection_success', { token: ann.token });
      for (const client of [host, ann]) {
        expect(await client.next('ptpMediation_success')).toEqual({});
        await client.next('lobby_closed');
      }
      expect(outsider.methods).toEqual(['client_registered']);
    });

    it('does nothing when the host sends a member’s token over the host’s socket', async () => {
      const { host, ann } = await inPeersPhase();
      host.send('ptpMediation_peersConnection_success', { token: host.token });
      const marks = mark([host, ann]);

      host.send('ptpMediation_peersConnection_success', { token: ann.token });
      await expectNothingReceived([host, ann], marks, 400);

      ann.send('ptpMediation_peersConnection_success', { token: ann.token });
      expect(await host.next('ptpMediation_success')).toEqual({});
      expect(await ann.next('ptpMediation_success')).toEqual({});
    });

    it('does nothing when a member sends the host’s token over the member’s socket', async () => {
      const { host, ann } = await inPeersPhase();
      ann.send('ptpMediation_peersConnection_success', { token: ann.token });
      const marks = mark([host, ann]);

      ann.send('ptpMediation_peersConnection_success', { token: host.token });
      await expectNothingReceived([host, ann], marks, 400);

      host.send('ptpMediation_peersConnection_success', { token: host.token });
      expect(await host.next('ptpMediation_success')).toEqual({});
      expect(await ann.next('ptpMediation_success')).toEqual({});
    });
  });

  describe('a stale token (its client disconnected)', () => {
    it('is answered 400 "The client is unregistered. Try reconnecting." on every HTTP route', async () => {
      const { lobbyId, host, members } = await lobbyWithMembers(http, pool, ['Ann', 'Ben']);
      const [ann] = members;
      const staleToken = ann.token;
      await ann.close();
      await host.next('lobby_peerDisconnect');

      expectErrors(
        await request(http)
          .post('/lobbies')
          .send({ ...lobbyBody(ann), token: staleToken }),
        400,
        UNREGISTERED,
      );
      expectErrors(await postJoin(http, staleToken, lobbyId, 'Ann'), 400, UNREGISTERED);
      expectErrors(await postStart(http, staleToken, lobbyId), 400, UNREGISTERED);
    });

    it('of a host is also stale once the host has left', async () => {
      const host = await pool.connect();
      const member = await pool.connect();
      const { lobbyId } = await createLobby(http, host);
      await joinLobby(http, member, lobbyId, 'Ann');
      const staleToken = host.token;
      await host.close();
      await member.next('lobby_closed');
      expectErrors(
        await request(http)
          .post('/lobbies')
          .send({ ...lobbyBody(host), token: staleToken }),
        400,
        UNREGISTERED,
      );
    });
  });
});
