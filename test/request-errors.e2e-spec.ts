import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { Errors } from '../src/common/orion-error.js';
import {
  ClientPool,
  createLobby,
  expectErrors,
  lobbyBody,
  postJoin,
  postStart,
} from './support/flows/http-flows.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import { rawExchange } from './support/clients/raw-upgrade.js';

const NOT_JSON =
  'The request body must be JSON, sent with the header Content-Type: application/json.';
const NOT_AN_OBJECT = 'The request body must be a JSON object.';
const MALFORMED_LOBBY_ID = 'lobbyId must be 5 letters or digits.';

describe('requests Orion cannot read get a status and a message that say why', () => {
  let orion: OrionTestApp;
  let pool: ClientPool;

  async function start(settings: Parameters<typeof startOrion>[0] = {}): Promise<string> {
    orion = await startOrion(settings);
    pool = new ClientPool(() => orion.wsUrl);
    return orion.httpUrl;
  }

  afterEach(async () => {
    await pool.closeAll();
    await orion.close();
  });

  describe('a body that is not sent as application/json', () => {
    it('answers 415 when valid JSON is sent as text/plain, and creates nothing', async () => {
      const http = await start();
      const host = await pool.connect();
      const response = await request(http)
        .post('/lobbies')
        .set('Content-Type', 'text/plain')
        .send(JSON.stringify(lobbyBody(host)));
      expectErrors(response, 415, NOT_JSON);
      expect((await request(http).get('/lobbies')).body.lobbies).toEqual([]);
    });

    it('answers 415 to a form, as Unity sends by default, on every POST route', async () => {
      const http = await start();
      const [host, guest] = await pool.connectMany(2);
      const { lobbyId } = await createLobby(http, host);
      const form = (path: string, fields: Record<string, string>) =>
        request(http).post(path).type('form').send(fields);
      expectErrors(
        await form('/lobbies', { token: guest.token, hostName: 'Ann', lobbyName: 'Mine' }),
        415,
        NOT_JSON,
      );
      expectErrors(
        await form(`/lobbies/${lobbyId}/join`, { token: guest.token, peerName: 'Ann' }),
        415,
        NOT_JSON,
      );
      expectErrors(await form(`/lobbies/${lobbyId}/ptp/start`, { token: host.token }), 415);
    });

    it('answers 415 to a body without any Content-Type', async () => {
      const http = await start();
      const host = await pool.connect();
      const text = JSON.stringify(lobbyBody(host));
      const answer = await rawExchange(
        http,
        `POST /lobbies HTTP/1.1\r\nHost: x\r\nConnection: close\r\n` +
          `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
      );
      expect(answer).toMatch(/^HTTP\/1\.1 415 /);
      expect(answer).toContain(JSON.stringify({ errors: [NOT_JSON] }));
    });

    it('answers 415 to JSON in a charset that is not a Unicode one', async () => {
      const http = await start();
      const response = await request(http)
        .post('/lobbies')
        .set('Content-Type', 'application/json; charset=latin1')
        .send('{}');
      expectErrors(response, 415, 'The request body must be JSON in UTF-8.');
    });

    it('answers 400 naming the missing fields to a POST with no body at all', async () => {
      const http = await start();
      const response = await request(http).post('/lobbies');
      expectErrors(response, 400);
      expect(response.body.errors).toContain('token must be a string.');
    });

    it('still accepts application/json with a charset, in any letter case', async () => {
      const http = await start();
      const host = await pool.connect();
      const response = await request(http)
        .post('/lobbies')
        .set('Content-Type', 'Application/JSON; charset=utf-8')
        .send(JSON.stringify(lobbyBody(host)));
      expect(response.status, response.text).toBe(201);
    });
  });

  describe('a JSON body that is not an object', () => {
    it.each(['null', '[]', '42', '"text"', 'true'])(
      'answers 400 "must be a JSON object" to %s',
      async (body) => {
        const http = await start();
        const response = await request(http)
          .post('/lobbies')
          .set('Content-Type', 'application/json')
          .send(body);
        expectErrors(response, 400, NOT_AN_OBJECT);
      },
    );

    it('still answers "not valid JSON" to text that is not JSON', async () => {
      const http = await start();
      const response = await request(http)
        .post('/lobbies')
        .set('Content-Type', 'application/json')
        .send('{"token"');
      expectErrors(response, 400, 'The request body is not valid JSON.');
    });
  });

  describe('a malformed lobby id in the path', () => {
    it.each([
      ['punctuation', 'ab!'],
      ['40 characters', 'A'.repeat(40)],
      ['4 characters', 'ABCD'],
      ['non-ASCII letters', 'ÄBCDE'],
    ])('answers 400 with {errors} to a join or a start with %s', async (_label, lobbyId) => {
      const http = await start();
      const client = await pool.connect();
      expectErrors(await postJoin(http, client.token, lobbyId, 'Ann'), 400, MALFORMED_LOBBY_ID);
      expectErrors(await postStart(http, client.token, lobbyId), 400, MALFORMED_LOBBY_ID);
    });

    it('is not counted as a request for a lobby that does not exist', async () => {
      const http = await start({ joinMissLimit: 2 });
      const [host, guest] = await pool.connectMany(2);
      const { lobbyId } = await createLobby(http, host, { isPublic: false });
      for (const id of ['ab!', 'x', 'A'.repeat(40), 'ab!']) {
        expectErrors(await postJoin(http, guest.token, id, 'Ann'), 400, MALFORMED_LOBBY_ID);
        expectErrors(await postStart(http, guest.token, id), 400, MALFORMED_LOBBY_ID);
      }
      const notFound = Errors.lobbyNotFound().message;
      const unknown = lobbyId === 'ZZZZZ' ? 'YYYYY' : 'ZZZZZ';
      expectErrors(await postJoin(http, guest.token, unknown, 'Ann'), 409, notFound);
      const joined = await postJoin(http, guest.token, ` ${lobbyId.toLowerCase()} `, 'Ann');
      expect(joined.status, joined.text).toBe(200);
    });
  });

  describe('a WebSocket upgrade that is not a valid handshake', () => {
    const upgrade = (http: string, headers: string[]) =>
      rawExchange(
        http,
        ['GET / HTTP/1.1', 'Host: x', 'Upgrade: websocket', 'Connection: Upgrade', ...headers]
          .concat('', '')
          .join('\r\n'),
      );

    it('answers 400 with {errors} in JSON when Sec-WebSocket-Key is missing', async () => {
      const http = await start();
      const answer = await upgrade(http, ['Sec-WebSocket-Version: 13']);
      const [head, body] = answer.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request/);
      expect(head).toMatch(/\r\nContent-Type: application\/json/i);
      const { errors } = JSON.parse(body) as { errors: string[] };
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/Sec-WebSocket-Key/);
    });

    it('answers 400 with {errors} and the versions it speaks to an unknown version', async () => {
      const http = await start();
      const answer = await upgrade(http, [
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version: 99',
      ]);
      const [head, body] = answer.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 400 /);
      expect(head).toMatch(/\r\nSec-WebSocket-Version: 13, 8/);
      expect((JSON.parse(body) as { errors: string[] }).errors[0]).toMatch(/Version/);
    });
  });
});
