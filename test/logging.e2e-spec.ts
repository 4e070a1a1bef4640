import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactTokens } from '../src/logging/redact-tokens.js';
import {
  ClientPool,
  mediateToSuccess,
  nextSince,
  markOf,
  openParty,
  postStart,
} from './support/mediation-flows.js';
import { startOrion, type OrionTestApp } from './support/orion-test-app.js';

type LogRecord = Record<string, unknown>;

describe('logs: JSON lines with request and lifecycle records, and no secrets', () => {
  let orion: OrionTestApp;
  const pool = new ClientPool();
  const tokens: string[] = [];
  let records: LogRecord[];

  beforeAll(async () => {
    orion = await startOrion({ logLevel: 'info' });
    const party = await openParty(orion, pool, ['Ann', 'Bob']);
    await mediateToSuccess(orion, party);
    const quitters = await openParty(orion, pool, ['Cid', 'Dee']);
    const mark = markOf(quitters.host.client);
    expect((await postStart(orion, quitters.host.client, quitters.lobbyId)).status).toBe(200);
    await quitters.members[0].client.close();
    await nextSince(quitters.host.client, 'ptpMediation_aborted', mark);
    // A rejected request whose body carries a token must not leak it either.
    await request(orion.httpUrl)
      .post('/lobbies')
      .send({ token: party.host.client.token, hostName: ' bad', lobbyName: 'x' });
    tokens.push(...[...party.everyone, ...quitters.everyone].map((peer) => peer.client.token));
    await pool.closeAll();
    await new Promise((resolve) => setTimeout(resolve, 100));
    records = orion.logger.records;
  });

  afterAll(async () => {
    await orion.close();
  });

  it('writes nothing but JSON objects, one per line, with a level and a message', () => {
    expect(orion.logger.lines.length).toBeGreaterThan(20);
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
