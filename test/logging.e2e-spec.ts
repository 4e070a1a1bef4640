import { stripVTControlCharacters } from 'node:util';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactTokens } from '../src/logging/redact-tokens.js';
import {
  ClientPool,
  mediateToSuccess,
  openParty,
  postStart,
} from './support/flows/mediation-flows.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import { markOf, nextSince } from './support/clients/received.js';
import { sleep } from './support/timing.js';

type LogRecord = Record<string, unknown>;

describe('logs: JSON lines with request and lifecycle records, and no secrets', () => {
  let orion: OrionTestApp;
  const pool = new ClientPool();
  const tokens: string[] = [];
  let records: LogRecord[];
  const lobbyIds: string[] = [];
  let startup: LogRecord[];

  beforeAll(async () => {
    orion = await startOrion({ logLevel: 'info' });
    startup = orion.logger.records;
    const party = await openParty(orion, pool, ['Ann', 'Bob']);
    await mediateToSuccess(orion, party);
    const quitters = await openParty(orion, pool, ['Cid', 'Dee']);
    lobbyIds.push(party.lobbyId, quitters.lobbyId);
    const mark = markOf(quitters.host.client);
    expect((await postStart(orion, quitters.host.client, quitters.lobbyId)).status).toBe(200);
    await quitters.members[0].client.close();
    await nextSince(quitters.host.client, 'ptpMediation_aborted', mark);
    // A rejected request whose body carries a token must not leak it either.
    await request(orion.httpUrl)
      .post('/lobbies')
      .send({ token: party.host.client.token, hostName: ' bad', lobbyName: 'x' });
    await request(orion.httpUrl).get('/no/such/route?secret=1');
    tokens.push(...[...party.everyone, ...quitters.everyone].map((peer) => peer.client.token));
    await pool.closeAll();
    await sleep(100);
    records = orion.logger.records;
  });

  afterAll(async () => {
    await orion.close();
  });

  it('writes nothing but JSON objects, one per line, with a level and a message', () => {
    expect(orion.logger.lines.length).toBeGreaterThan(10);
    for (const record of records) {
      expect(typeof record.level).toBe('number');
      expect(typeof record.msg).toBe('string');
    }
  });

  it('writes one line per HTTP request with method, route pattern, status and time, never the body', () => {
    const requests = records.filter((record) => record.msg === 'request completed');
    const joins = requests.filter((record) => record.route === '/lobbies/:lobbyId/join');
    expect(joins).toHaveLength(2);
    for (const join of joins) {
      expect(join.req).toMatchObject({ method: 'POST' });
      expect(join.res).toEqual({ statusCode: 200 });
      expect(typeof join.responseTime).toBe('number');
      expect(JSON.stringify(join)).not.toContain('peerName');
    }
    const rejected = records.filter((record) => record.msg === 'request errored' || record.res);
    expect(
      rejected.some((record) => (record.res as { statusCode: number }).statusCode === 400),
    ).toBe(true);
  });

  it('gives each request line the real path, with the lobby id, and no query string', () => {
    const requests = records.filter((record) => record.msg === 'request completed');
    const joins = requests.filter((record) => record.route === '/lobbies/:lobbyId/join');
    expect(joins.map((join) => join.req)).toEqual(
      lobbyIds.map((lobbyId) => ({ method: 'POST', url: `/lobbies/${lobbyId}/join` })),
    );
    const unmatched = requests.filter((record) => record.route === 'unmatched');
    expect(unmatched.map((record) => record.req)).toEqual([
      { method: 'GET', url: '/no/such/route' },
    ]);
  });

  it('writes exactly one route key on each request line, the matched pattern', () => {
    const lines = orion.logger.lines.filter((line) => line.includes('"req":'));
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(line.match(/"route":/g), line).toHaveLength(1);
    const routes = new Set(records.filter((record) => record.req).map((record) => record.route));
    expect(routes).toContain('/lobbies');
    expect(routes).toContain('/lobbies/:lobbyId/ptp/start');
  });

  it("writes none of Nest's start-up lines at info, only Orion's own", () => {
    // Nest alone wrote about 40 lines here. Orion's own: the UDP listener's, and Redis's
    // connection with --redisUrl.
    expect(startup.length).toBeLessThanOrEqual(2);
    for (const record of startup) {
      expect(record.context).not.toMatch(/^(Nest|InstanceLoader|Route|WebSockets)/);
    }
  });

  it('writes the lifecycle of lobbies and mediations with their ids, and no per-client lines', () => {
    const byMessage = (msg: string) => records.filter((record) => record.msg === msg);
    // Per-client lines are debug, below the default level this server runs at.
    expect(byMessage('Client connected')).toEqual([]);
    expect(byMessage('Client disconnected')).toEqual([]);
    expect(byMessage('Lobby created')).toHaveLength(2);
    expect(byMessage('Lobby closed').length).toBeGreaterThanOrEqual(2);
    expect(byMessage('Mediation started')).toHaveLength(2);
    expect(byMessage('Mediation phase changed')).toHaveLength(1);
    expect(byMessage('Mediation succeeded')).toHaveLength(1);
    expect(byMessage('Mediation aborted')).toEqual([
      expect.objectContaining({ reason: 'member_left', abortReason: 'Dee left the lobby.' }),
    ]);
    for (const record of byMessage('Lobby created'))
      expect(record.lobbyId).toMatch(/^[A-Z0-9]{5}$/);
  });

  it('contains none of the tokens issued in the run', () => {
    expect(tokens).toHaveLength(4);
    for (const token of tokens) expect(orion.logger.text).not.toContain(token);
  });
});

describe("Nest's start-up lines", () => {
  it('are written at debug, with their context', async () => {
    const orion = await startOrion({ logLevel: 'debug' });
    await orion.close();
    const nest = orion.logger.records.filter((record) => record.context === 'InstanceLoader');
    expect(nest.length).toBeGreaterThan(5);
    for (const record of nest) expect(record.level).toBe(20);
    const started = orion.logger.records.find((record) => record.context === 'NestApplication');
    expect(started).toMatchObject({ level: 20, msg: 'Nest application successfully started' });
  });
});

describe('logs in the pretty format', () => {
  // Colours, when the terminal has them, are not part of what a line says.
  const plain = (line: string) => stripVTControlCharacters(line);

  it('print one line per request: method, path, status and time', async () => {
    const orion = await startOrion({ logLevel: 'info', logFormat: 'pretty' });
    try {
      const before = orion.logger.lines.length;
      await request(orion.httpUrl).get('/ping').expect(200);
      await request(orion.httpUrl).post('/lobbies/K3Z9Q/join').send({}).expect(400);
      await request(orion.httpUrl).get('/lobbies').expect(200);
      const lines = orion.logger.lines.slice(before).map(plain);
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/INFO.*: GET \/ping 200 \d+ms$/);
      expect(lines[1]).toMatch(/INFO.*: POST \/lobbies\/K3Z9Q\/join 400 \d+ms$/);
      expect(lines[2]).toMatch(/INFO.*: GET \/lobbies 200 \d+ms$/);
    } finally {
      await orion.close();
    }
  });

  it('print any other record on one line, with its context and fields', async () => {
    const orion = await startOrion({ logLevel: 'debug', logFormat: 'pretty' });
    await orion.close();
    const udp = orion.logger.lines.map(plain).filter((line) => line.includes('UDP'));
    expect(udp).toHaveLength(1);
    expect(udp[0]).toMatch(
      /DEBUG.*: \[UdpListenerService\] Listening for UDP on 127\.0\.0\.1:\d+$/,
    );
  });
});

describe('redactTokens', () => {
  it('replaces a token property at any depth and leaves everything else', () => {
    const input = { a: 1, token: 's1', nested: { token: 's2', list: [{ token: 's3', b: 2 }] } };
    expect(redactTokens(input)).toEqual({
      a: 1,
      token: '[redacted]',
      nested: { token: '[redacted]', list: [{ token: '[redacted]', b: 2 }] },
    });
    expect(input.nested.token).toBe('s2');
  });

  it('returns flat objects without a token unchanged', () => {
    const flat = { lobbyId: 'K3Z9Q', clientId: 'c1' };
    expect(redactTokens(flat)).toBe(flat);
  });
});

describe('redactTokens on what loggers are really given', () => {
  it('leaves class instances alone and survives a cycle', () => {
    class Request {
      token = 'kept-by-the-serializer';
    }
    const request = new Request();
    expect(redactTokens({ req: request }).req).toBe(request);
    const cyclic: Record<string, unknown> = { token: 'secret' };
    cyclic.self = cyclic;
    expect(redactTokens(cyclic).token).toBe('[redacted]');
  });
});
