import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import { rawExchange } from './support/clients/raw-upgrade.js';

function parse(answer: string): { status: number; contentType: string; body: unknown } {
  const [head, body] = answer.split('\r\n\r\n');
  const status = Number(head.split(' ')[1]);
  const contentType = /content-type: ([^\r\n]+)/i.exec(head)?.[1] ?? '';
  return { status, contentType, body: JSON.parse(body) as unknown };
}

describe("requests Node's HTTP parser refuses", () => {
  let orion: OrionTestApp;
  beforeAll(async () => {
    orion = await startOrion();
  });
  afterAll(async () => {
    await orion?.close();
  });

  it('answers a broken request line 400 with {errors}', async () => {
    const answer = parse(await rawExchange(orion.httpUrl, 'NONSENSE\r\n\r\n'));
    expect(answer).toEqual({
      status: 400,
      contentType: 'application/json; charset=utf-8',
      body: { errors: ['The request is malformed.'] },
    });
  });

  it('answers headers over the limit 431 with {errors}', async () => {
    const huge = `GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`;
    const answer = parse(await rawExchange(orion.httpUrl, huge));
    expect(answer.status).toBe(431);
    expect(answer.body).toEqual({ errors: ['The request headers are too large.'] });
  });

  it('keeps serving well-formed requests afterwards', async () => {
    const answer = await rawExchange(
      orion.httpUrl,
      'GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(answer.startsWith('HTTP/1.1 200')).toBe(true);
    expect(answer.endsWith('pong')).toBe(true);
  });
});
