import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OrionRequestError } from './errors.js';
import { OrionHttpApi } from './http-api.js';
import { FakeOrion, type HttpHandler } from './testing/fake-orion.js';

const SECRET = 'secret-token-that-must-not-leak';

describe('OrionHttpApi against a local HTTP server', () => {
  let fake: FakeOrion | undefined;

  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  async function apiAnswering(handler: HttpHandler): Promise<OrionHttpApi> {
    fake = await FakeOrion.start(handler);
    return new OrionHttpApi(fake.url, 2_000);
  }

  it('maps 409 {errors} to OrionRequestError with the status and the errors', async () => {
    const api = await apiAnswering(() => ({
      status: 409,
      body: { errors: ['The lobby is full.'] },
    }));
    const error = (await api
      .join(SECRET, 'k7q2z', 'Bob')
      .catch((e: unknown) => e)) as OrionRequestError;
    expect(error).toBeInstanceOf(OrionRequestError);
    expect(error.status).toBe(409);
    expect(error.errors).toEqual(['The lobby is full.']);
    expect(error.message).toContain('The lobby is full.');
    expect(error.request).toBe('POST /lobbies/k7q2z/join');
    expect(error.message).not.toContain(SECRET);
    expect(fake!.requests[0].body).toEqual({ token: SECRET, peerName: 'Bob' });
  });

  it('maps 400 with several errors, joining them into the message', async () => {
    const errors = ['hostName must be 1 to 50 letters.', 'maxMembers must be at least 1.'];
    const api = await apiAnswering(() => ({ status: 400, body: { errors } }));
    const error = (await api
      .host(SECRET, { hostName: ' x', lobbyName: 'L', maxMembers: 0 })
      .catch((e: unknown) => e)) as OrionRequestError;
    expect(error).toBeInstanceOf(OrionRequestError);
    expect(error.status).toBe(400);
    expect(error.errors).toEqual(errors);
    expect(error.message).toContain(errors.join(' '));
    expect(error.message).not.toContain(SECRET);
  });

  it('still gives a readable error when a proxy answers without Orion errors', async () => {
    const api = await apiAnswering(() => ({ status: 502, raw: '<html>Bad gateway</html>' }));
    const error = (await api.listLobbies().catch((e: unknown) => e)) as OrionRequestError;
    expect(error).toBeInstanceOf(OrionRequestError);
    expect(error.status).toBe(502);
    expect(error.errors).toHaveLength(1);
    expect(error.errors[0]).toContain('502');
  });

  it('sends the documented bodies and reads the answers', async () => {
    const api = await apiAnswering((method, path) => {
      if (path === '/lobbies' && method === 'GET') {
        return {
          status: 200,
          body: { lobbies: [{ name: 'L', id: 'AAAAA', currentMembers: 1, maxMembers: 4 }] },
        };
      }
      if (path === '/lobbies') return { status: 201, body: { lobbyId: 'AAAAA', lobbyName: 'L' } };
      return { status: 200 };
    });
    expect(await api.listLobbies()).toEqual([
      { name: 'L', id: 'AAAAA', currentMembers: 1, maxMembers: 4 },
    ]);
    expect(await api.host(SECRET, { hostName: 'H', lobbyName: 'L' })).toEqual({
      lobbyId: 'AAAAA',
      lobbyName: 'L',
    });
    await expect(api.startMediation(SECRET, 'AAAAA')).resolves.toBeUndefined();
    expect(fake!.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /lobbies',
      'POST /lobbies',
      'POST /lobbies/AAAAA/ptp/start',
    ]);
    // Orion requires isPublic and maxMembers; the SDK fills in private and 8.
    expect(fake!.requests[1].body).toEqual({
      token: SECRET,
      hostName: 'H',
      lobbyName: 'L',
      isPublic: false,
      maxMembers: 8,
    });
  });

  it('sends a password and data when given, and nothing new when not', async () => {
    const api = await apiAnswering((method, path) =>
      method === 'POST' && path === '/lobbies'
        ? { status: 201, body: { lobbyId: 'AAAAA', lobbyName: 'L' } }
        : {
            status: 200,
            body: { lobbyId: 'AAAAA', lobbyName: 'L', lobbyMembers: ['H', 'B'], host: 'H' },
          },
    );
    const data = { version: '1.4.2', players: 4 };
    await api.host(SECRET, { hostName: 'H', lobbyName: 'L', password: 'pw', data });
    await api.join(SECRET, 'AAAAA', 'Bob', { password: 'pw' });
    await api.join(SECRET, 'AAAAA', 'Bob', {});
    expect(fake!.requests.map((r) => r.body)).toEqual([
      {
        token: SECRET,
        hostName: 'H',
        lobbyName: 'L',
        isPublic: false,
        maxMembers: 8,
        password: 'pw',
        data,
      },
      { token: SECRET, peerName: 'Bob', password: 'pw' },
      { token: SECRET, peerName: 'Bob' },
    ]);
  });

  it('lists with filters and paging as query parameters, and reads the page', async () => {
    const page = {
      lobbies: [
        {
          name: 'L',
          id: 'AAAAA',
          currentMembers: 1,
          maxMembers: 4,
          hasPassword: false,
          data: { mode: 'ctf', players: 4 },
        },
      ],
      next: 'AAAAA',
    };
    const api = await apiAnswering(() => ({ status: 200, body: page }));
    expect(
      await api.findLobbies({
        data: { version: '1.4.2', players: 4 },
        dataRange: { ping: { max: 80 }, level: { min: 1.5, max: 1e21 } },
        hasPassword: false,
        notFull: true,
        limit: 10,
        after: 'ZZZZZ',
      }),
    ).toEqual(page);
    await api.findLobbies();
    await api.findLobbies({ data: { 'a&b': 'x y' } });
    expect(fake!.requests.map((r) => r.path)).toEqual([
      '/lobbies?data.version=1.4.2&data.players=4&data.ping.max=80&data.level.min=1.5&data.level.max=1e%2B21&hasPassword=false&notFull=true&limit=10&after=ZZZZZ',
      '/lobbies?limit=50',
      '/lobbies?data.a%26b=x+y&limit=50',
    ]);
  });

  it('leaves, kicks, updates and quick-joins with the documented routes and bodies', async () => {
    const joined = { lobbyId: 'AAAAA', lobbyName: 'L', lobbyMembers: ['H', 'B'], host: 'H' };
    const settings = { lobbyId: 'AAAAA', lobbyName: 'M', isPublic: true, data: {} };
    const api = await apiAnswering((method, path) => {
      if (path.startsWith('/lobbies/quick-join')) return { status: 200, body: joined };
      if (method === 'PATCH') return { status: 200, body: settings };
      if (path.endsWith('/leave')) return { status: 200, body: { lobbyId: 'AAAAA' } };
      if (path === '/lobbies') return { status: 201, body: { lobbyId: 'AAAAA', lobbyName: 'L' } };
      return { status: 200, body: { lobbyId: 'AAAAA', peerName: 'Bob' } };
    });
    await api.host(SECRET, { hostName: 'H', lobbyName: 'L', hostMigration: true });
    await expect(api.leave(SECRET, 'aaaaa')).resolves.toBeUndefined();
    await expect(api.kick(SECRET, 'AAAAA', 'Bob')).resolves.toBeUndefined();
    await api.kick(SECRET, 'AAAAA', 'Bob', { banMs: 60_000 });
    expect(await api.updateLobby(SECRET, 'AAAAA', { lobbyName: 'M', data: null })).toEqual(
      settings,
    );
    expect(await api.quickJoin(SECRET, 'Bob')).toEqual(joined);
    await api.quickJoin(SECRET, 'Bob', { data: { mode: 'ctf' }, notFull: true });
    expect(fake!.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /lobbies',
      'POST /lobbies/aaaaa/leave',
      'POST /lobbies/AAAAA/kick',
      'POST /lobbies/AAAAA/kick',
      'PATCH /lobbies/AAAAA',
      'POST /lobbies/quick-join',
      'POST /lobbies/quick-join?data.mode=ctf&notFull=true',
    ]);
    expect(fake!.requests.map((r) => r.body)).toEqual([
      {
        token: SECRET,
        hostName: 'H',
        lobbyName: 'L',
        isPublic: false,
        maxMembers: 8,
        hostMigration: true,
      },
      { token: SECRET },
      { token: SECRET, peerName: 'Bob' },
      { token: SECRET, peerName: 'Bob', banMs: 60_000 },
      { token: SECRET, lobbyName: 'M', data: null },
      { token: SECRET, peerName: 'Bob' },
      { token: SECRET, peerName: 'Bob' },
    ]);
  });

  it('names the route without its query when a listing fails', async () => {
    const api = await apiAnswering(() => ({
      status: 409,
      body: { errors: ['The lobby given as after is no longer listed.'] },
    }));
    const error = (await api
      .findLobbies({ after: 'AAAAA' })
      .catch((e: unknown) => e)) as OrionRequestError;
    expect(error).toBeInstanceOf(OrionRequestError);
    expect(error.status).toBe(409);
    expect(error.request).toBe('GET /lobbies');
  });

  it('pings: true only for a pong', async () => {
    const api = await apiAnswering((_method, path) =>
      path === '/ping' ? { status: 200, raw: 'pong' } : { status: 404 },
    );
    expect(await api.ping()).toBe(true);
    fake!.handler = () => ({ status: 200, raw: 'hello' });
    expect(await api.ping()).toBe(false);
  });

  it('names the URL when nothing listens there', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const api = new OrionHttpApi(`http://127.0.0.1:${port}`, 2_000);
    await expect(api.listLobbies()).rejects.toThrow(
      `Orion at http://127.0.0.1:${port} did not answer GET /lobbies: ECONNREFUSED`,
    );
  });

  it('gives up on a server that never answers, after the request timeout', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    try {
      const { port } = silent.address() as AddressInfo;
      const api = new OrionHttpApi(`http://127.0.0.1:${port}`, 200);
      await expect(api.startMediation(SECRET, 'AAAAA')).rejects.toThrow(/no answer in time/);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
