import { existsSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import request, { type Response } from 'supertest';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Errors } from '../src/common/orion-error.js';
import type { OrionSettings } from '../src/config/orion-config.js';
import {
  ClientPool,
  createLobby,
  expectErrors,
  joinLobby,
  lobbyBody,
  lobbyWithMembers,
  postJoin,
  postStart,
  startMediation,
} from './support/flows/http-flows.js';
import {
  LOOPBACK_ANY_PORTS,
  mainJs,
  spawnOrion,
  type OrionProcess,
} from './support/orion/orion-process.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';

const TOO_LARGE = 'The request body is too large.';
const LOBBY_NOT_FOUND = Errors.lobbyNotFound().message;
const WINDOW_SECONDS = 60;

// Documentation addresses: they only ever appear in a header, no traffic goes to them.
const PROXIED_A = '203.0.113.7';
const PROXIED_B = '203.0.113.8';

/** `value` as JSON padded with trailing whitespace (still valid JSON) to exactly `bytes`. */
function paddedJson(value: object, bytes: number): string {
  const json = JSON.stringify(value);
  const padding = bytes - Buffer.byteLength(json);
  expect(padding, 'the body is already longer than the size asked for').toBeGreaterThanOrEqual(0);
  return json + ' '.repeat(padding);
}

/** A POST with a raw JSON body and Content-Length, as most clients send it. */
function postJson(
  httpUrl: string,
  path: string,
  body: string,
  headers: Record<string, string> = {},
) {
  return request(httpUrl)
    .post(path)
    .set({ 'Content-Type': 'application/json', ...headers })
    .send(body);
}

/** A POST whose body arrives in chunks with no Content-Length: the size is known only by reading. */
function postChunked(httpUrl: string, path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${httpUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half));
    req.end(body.slice(half));
  });
}

/** An invalid create (400), which still counts as a POST; `agent` picks the source address. */
function emptyPostFrom(httpUrl: string, agent?: Agent, headers: Record<string, string> = {}) {
  const post = request(httpUrl).post('/lobbies').set(headers).send({});
  return agent ? post.agent(agent) : post;
}

/** Asserts a 429 with `{ errors }` and a Retry-After of whole seconds within the window. */
function expectTooMany(response: Response): void {
  expectErrors(response, 429);
  expect(response.body.errors[0]).toMatch(/Try again in \d+ seconds?\./);
  const retryAfter = Number(response.headers['retry-after']);
  expect(Number.isInteger(retryAfter), `Retry-After: ${response.headers['retry-after']}`).toBe(
    true,
  );
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
}

/** Ids of the 5-character form that this server has not handed out. */
function unusedLobbyIds(taken: string[], count: number): string[] {
  const ids = Array.from(
    { length: count + taken.length },
    (_, i) => `M${i.toString(36).padStart(4, '0').toUpperCase()}`,
  );
  return ids.filter((id) => !taken.includes(id)).slice(0, count);
}

describe('HTTP limits', () => {
  let orion: OrionTestApp;
  let pool: ClientPool;
  let http: string;
  const agents: Agent[] = [];

  /** An agent whose connections come from `address` (any 127.x.y.z is this machine). */
  function from(address: string): Agent {
    const agent = new Agent({ localAddress: address });
    agents.push(agent);
    return agent;
  }

  async function start(settings: Partial<OrionSettings>): Promise<void> {
    orion = await startOrion(settings);
    http = orion.httpUrl;
  }

  beforeEach(() => {
    pool = new ClientPool(() => orion.wsUrl);
  });

  afterEach(async () => {
    await pool.closeAll();
    for (const agent of agents.splice(0)) agent.destroy();
    await orion.close();
  });

  describe('request bodies (--maxBodyBytes)', () => {
    const MAX = 1_024;

    it('accepts a create body of exactly maxBodyBytes', async () => {
      await start({ maxBodyBytes: MAX });
      const host = await pool.connect();
      const body = paddedJson(lobbyBody(host), MAX);
      expect(Buffer.byteLength(body)).toBe(MAX);
      const response = await postJson(http, '/lobbies', body);
      expect(response.status, response.text).toBe(201);
    });

    it('answers 413 with {errors} one byte over, with CORS headers, and creates nothing', async () => {
      await start({ maxBodyBytes: MAX });
      const host = await pool.connect();
      const response = await postJson(http, '/lobbies', paddedJson(lobbyBody(host), MAX + 1), {
        Origin: 'http://game.example',
      });
      expectErrors(response, 413, TOO_LARGE);
      expect(response.headers['access-control-allow-origin']).toBe('*');
      // The refused body had no effect: the same client is not in a lobby and can create one.
      await createLobby(http, host);
    });

    it('applies the same bound to a join and to a body sent in chunks without Content-Length', async () => {
      await start({ maxBodyBytes: MAX });
      const [host, guest] = await pool.connectMany(2);
      const { lobbyId } = await createLobby(http, host);
      const join = `/lobbies/${lobbyId}/join`;
      const joinBody = { token: guest.token, peerName: 'Guest' };
      expect(await postChunked(http, join, paddedJson(joinBody, MAX + 1))).toBe(413);
      expectErrors(await postJson(http, join, paddedJson(joinBody, MAX + 1)), 413, TOO_LARGE);
      expect(await postChunked(http, join, paddedJson(joinBody, MAX))).toBe(200);
    });

    it('defaults to 16 KiB', async () => {
      await start({});
      const host = await pool.connect();
      const over = await postJson(http, '/lobbies', paddedJson(lobbyBody(host), 16_385));
      expectErrors(over, 413, TOO_LARGE);
      const exact = await postJson(http, '/lobbies', paddedJson(lobbyBody(host), 16_384));
      expect(exact.status, exact.text).toBe(201);
    });
  });

  describe('POST rate limit (--httpRateLimit)', () => {
    const LIMIT = 5;

    it('accepts N POSTs from one address across every POST route, then answers 429 with Retry-After', async () => {
      await start({ httpRateLimit: LIMIT });
      const [host, guest, other] = await pool.connectMany(3);
      const statuses: number[] = [];
      const lobbyId = (await createLobby(http, host)).lobbyId; // 1
      statuses.push((await postJoin(http, guest.token, lobbyId, 'Guest')).status); // 2
      statuses.push((await postStart(http, guest.token, lobbyId)).status); // 3: not the host
      statuses.push((await postJoin(http, other.token, lobbyId, 'Bad!')).status); // 4: invalid
      statuses.push((await emptyPostFrom(http)).status); // 5
      expect(statuses).toEqual([200, 409, 400, 400]);

      expectTooMany(await postJoin(http, other.token, lobbyId, 'Other'));
      expectTooMany(await postStart(http, host.token, lobbyId));
      const refusedCreate = await request(http).post('/lobbies').send(lobbyBody(other));
      expectTooMany(refusedCreate);
      expect(refusedCreate.body.errors[0]).toMatch(/too many requests/i);
      // The refused requests did nothing: one lobby, with the host and the first guest.
      const lobbies = await request(http).get('/lobbies');
      expect(lobbies.body.lobbies).toHaveLength(1);
      expect(lobbies.body.lobbies[0].currentMembers).toBe(2);
    });

    it('never limits GET routes', async () => {
      await start({ httpRateLimit: 1 });
      expect((await emptyPostFrom(http)).status).toBe(400);
      expectTooMany(await emptyPostFrom(http));
      for (const path of ['/lobbies', '/ping', '/healthz', '/readyz', '/metrics', '/docs']) {
        for (let i = 0; i < 3; i++) {
          const response = await request(http).get(path);
          expect(response.status, `GET ${path}`).toBe(200);
        }
      }
    });

    it('is off with 0', async () => {
      await start({ httpRateLimit: 0 });
      const statuses = new Set<number>();
      for (let i = 0; i < 40; i++) statuses.add((await emptyPostFrom(http)).status);
      expect([...statuses]).toEqual([400]);
    });

    it('counts each source address on its own', async () => {
      await start({ httpRateLimit: 2 });
      const first = from('127.0.0.1');
      const second = from('127.0.0.2');
      expect((await emptyPostFrom(http, first)).status).toBe(400);
      expect((await emptyPostFrom(http, first)).status).toBe(400);
      expectTooMany(await emptyPostFrom(http, first));
      expect((await emptyPostFrom(http, second)).status).toBe(400);
    });

    it('ignores X-Forwarded-For without --trustProxy: every value shares the peer’s bucket', async () => {
      await start({ httpRateLimit: 2, trustProxy: false });
      expect((await emptyPostFrom(http, undefined, { 'X-Forwarded-For': PROXIED_A })).status).toBe(
        400,
      );
      expect((await emptyPostFrom(http, undefined, { 'X-Forwarded-For': PROXIED_B })).status).toBe(
        400,
      );
      expectTooMany(await emptyPostFrom(http, undefined, { 'X-Forwarded-For': '198.51.100.1' }));
    });

    it('counts each X-Forwarded-For client on its own with --trustProxy, by the address the proxy appended', async () => {
      await start({ httpRateLimit: 2, trustProxy: true });
      // The first entry comes from the client and is forged; the proxy appended the last.
      const viaProxy = (address: string) =>
        emptyPostFrom(http, undefined, { 'X-Forwarded-For': `198.51.100.77, ${address}` });
      expect((await viaProxy(PROXIED_A)).status).toBe(400);
      expect((await viaProxy(PROXIED_A)).status).toBe(400);
      expectTooMany(await viaProxy(PROXIED_A));
      expect((await viaProxy(PROXIED_B)).status).toBe(400);
      expect((await viaProxy(PROXIED_B)).status).toBe(400);
      expectTooMany(await viaProxy(PROXIED_B));
      // Without the header, the peer's own address is a third bucket.
      expect((await emptyPostFrom(http)).status).toBe(400);
    });
  });

  describe('joins to lobbies that do not exist (--joinMissLimit, --joinMissLimitPerIp)', () => {
    const CLIENT_REFUSED = /from this client\. Try again in/;
    const ADDRESS_REFUSED = /from your address\. Try again in/;

    it("one client's 11 typos get that client 429, while another client at the same address still joins", async () => {
      await start({ joinMissLimit: 10, joinMissLimitPerIp: 100 }); // the defaults
      const [host, typist, friend] = await pool.connectMany(3);
      const { lobbyId } = await createLobby(http, host, { isPublic: false });
      const misses = unusedLobbyIds([lobbyId], 11);
      for (const id of misses.slice(0, 10)) {
        expectErrors(await postJoin(http, typist.token, id, 'Typist'), 409, LOBBY_NOT_FOUND);
      }
      const refused = await postJoin(http, typist.token, misses[10], 'Typist');
      expectTooMany(refused);
      expect(refused.body.errors[0]).toMatch(CLIENT_REFUSED);
      // The typist is refused even the right code: a refusal that depended on the lobby
      // existing would answer the guess. Lower case is no way around it either.
      expectTooMany(await postJoin(http, typist.token, lobbyId, 'Typist'));
      expectTooMany(await postJoin(http, typist.token, lobbyId.toLowerCase(), 'Typist'));

      // Same address (127.0.0.1), another client: joins as if nothing had happened.
      const joined = await postJoin(http, friend.token, lobbyId, 'Friend');
      expect(joined.status, joined.text).toBe(200);
      expect(joined.body.lobbyMembers).toEqual(['Host', 'Friend']);
    });

    it('stops a guesser with many sockets at the per-address bound, for every client of that address', async () => {
      await start({ joinMissLimit: 2, joinMissLimitPerIp: 5 });
      const host = await pool.connect();
      const { lobbyId } = await createLobby(http, host, { isPublic: false });
      const guesses = unusedLobbyIds([lobbyId], 8);
      const sockets = await pool.connectMany(4);
      const statuses: number[] = [];
      for (const [i, id] of guesses.entries()) {
        const socket = sockets[Math.floor(i / 2)]; // a fresh token after every 2 misses
        statuses.push((await postJoin(http, socket.token, id, 'Guesser')).status);
      }
      expect(statuses).toEqual([409, 409, 409, 409, 409, 429, 429, 429]);
      // A new socket from the guessing address gets no fresh budget, even for the real code.
      const fresh = await pool.connect();
      const refused = await postJoin(http, fresh.token, lobbyId, 'Guesser');
      expectTooMany(refused);
      expect(refused.body.errors[0]).toMatch(ADDRESS_REFUSED);
      // Another address is not affected.
      const other = await request(http)
        .post(`/lobbies/${lobbyId}/join`)
        .agent(from('127.0.0.2'))
        .send({ token: fresh.token, peerName: 'Neighbour' });
      expect(other.status, other.text).toBe(200);
    });

    it('holds the per-address bound against misses sent all at once', async () => {
      await start({ joinMissLimit: 0, joinMissLimitPerIp: 5 });
      const guessers = await pool.connectMany(20);
      const ids = unusedLobbyIds([], guessers.length);
      const answers = await Promise.all(
        guessers.map((guesser, i) => postJoin(http, guesser.token, ids[i], 'Guesser')),
      );
      const statuses = answers.map((answer) => answer.status).sort();
      expect(statuses).toEqual([...Array(5).fill(409), ...Array(15).fill(429)]);
    });

    it('counts mediation starts naming unknown lobbies too: they would confirm a guess as well', async () => {
      const K = 2;
      await start({ joinMissLimit: K });
      const [host, guesser] = await pool.connectMany(2);
      const { lobbyId } = await createLobby(http, host, { isPublic: false });
      const misses = unusedLobbyIds([lobbyId], K);
      for (const id of misses) {
        const response = await request(http)
          .post(`/lobbies/${id}/ptp/start`)
          .send({ token: guesser.token });
        expectErrors(response, 409, LOBBY_NOT_FOUND);
      }
      expectTooMany(await postJoin(http, guesser.token, lobbyId, 'Guesser'));
      expectTooMany(
        await request(http).post(`/lobbies/${lobbyId}/ptp/start`).send({ token: guesser.token }),
      );
    });

    it('counts neither successful joins nor any other failure', async () => {
      const K = 2;
      await start({ joinMissLimit: K, joinMissLimitPerIp: K });
      const open = await lobbyWithMembers(http, pool, ['Ann', 'Bob'], { maxMembers: 3 });
      const locked = await lobbyWithMembers(http, pool, ['Cat'], { maxMembers: 8 });
      await startMediation(http, locked.host, locked.lobbyId);
      const spare = await lobbyWithMembers(http, pool, [], { maxMembers: 8 });
      const newcomer = await pool.connect();

      expectErrors(await postJoin(http, newcomer.token, open.lobbyId, 'Dan'), 409); // full
      expectErrors(await postJoin(http, newcomer.token, locked.lobbyId, 'Dan'), 409); // locked
      expectErrors(await postJoin(http, newcomer.token, spare.lobbyId, 'Host'), 409); // name taken
      expectErrors(await postJoin(http, newcomer.token, spare.lobbyId, ' Dan'), 400); // invalid
      expectErrors(await postJoin(http, 'no-such-token', spare.lobbyId, 'Dan'), 400); // token
      await joinLobby(http, newcomer, spare.lobbyId, 'Dan');
      expectErrors(await postJoin(http, newcomer.token, spare.lobbyId, 'Dan'), 409); // already in
      await joinLobby(http, await pool.connect(), spare.lobbyId, 'Eve');

      const taken = [open.lobbyId, locked.lobbyId, spare.lobbyId];
      const misses = unusedLobbyIds(taken, K + 1);
      const stranger = await pool.connect();
      for (const id of misses.slice(0, K)) {
        expectErrors(await postJoin(http, stranger.token, id, 'Finn'), 409, LOBBY_NOT_FOUND);
      }
      expectTooMany(await postJoin(http, stranger.token, misses[K], 'Finn'));
    });

    it('is off with 0', async () => {
      await start({ joinMissLimit: 0, joinMissLimitPerIp: 0 });
      const guesser = await pool.connect();
      for (const id of unusedLobbyIds([], 15)) {
        expectErrors(await postJoin(http, guesser.token, id, 'Guesser'), 409, LOBBY_NOT_FOUND);
      }
    });

    it.each([
      { trustProxy: false, otherClient: 'refused with the same bucket' },
      { trustProxy: true, otherClient: 'let in, with a bucket of its own' },
    ])(
      'with trustProxy $trustProxy, a second X-Forwarded-For client is $otherClient',
      async ({ trustProxy }) => {
        await start({ joinMissLimit: 0, joinMissLimitPerIp: 1, trustProxy });
        const [host, first, second] = await pool.connectMany(3);
        const { lobbyId } = await createLobby(http, host);
        const [miss] = unusedLobbyIds([lobbyId], 1);
        const joinVia = (address: string, token: string, id: string, name: string) =>
          request(http)
            .post(`/lobbies/${id}/join`)
            .set('X-Forwarded-For', address)
            .send({ token, peerName: name });

        expectErrors(await joinVia(PROXIED_A, first.token, miss, 'First'), 409, LOBBY_NOT_FOUND);
        expectTooMany(await joinVia(PROXIED_A, first.token, lobbyId, 'First'));
        const fromB = await joinVia(PROXIED_B, second.token, lobbyId, 'Second');
        if (trustProxy) expect(fromB.status, fromB.text).toBe(200);
        else expectTooMany(fromB);
      },
    );
  });
});

describe('HTTP limit flags on the built binary', () => {
  let server: OrionProcess | undefined;

  beforeAll(() => {
    if (!existsSync(mainJs)) throw new Error('dist/main.js is missing: run `npm run build` first');
  });

  afterEach(async () => {
    if (server?.running) server.child.kill('SIGKILL');
    await server?.exit(5_000).catch(() => undefined);
  });

  it('--httpRateLimit, --trustProxy and --maxBodyBytes take effect', async () => {
    server = spawnOrion([
      ...LOOPBACK_ANY_PORTS,
      '--httpRateLimit',
      '2',
      '--trustProxy',
      '--maxBodyBytes',
      '128',
    ]);
    const { httpPort } = await server.ready();
    const http = `http://127.0.0.1:${httpPort}`;
    const post = (address: string, body = '{}') =>
      postJson(http, '/lobbies', body, { 'X-Forwarded-For': address });

    expect((await post(PROXIED_A)).status).toBe(400);
    expect((await post(PROXIED_A)).status).toBe(400);
    expectTooMany(await post(PROXIED_A));
    expect((await post(PROXIED_B)).status).toBe(400);
    expectErrors(await post('198.51.100.1', paddedJson({}, 129)), 413, TOO_LARGE);
  });
});
