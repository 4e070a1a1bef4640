import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { rawExchange } from './support/clients/raw-upgrade.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import { TestClient } from './support/clients/test-client.js';

/** How a WebSocket upgrade with these headers ends: registered, or refused with a status. */
function upgradeOutcome(
  wsUrl: string,
  headers: Record<string, string>,
): Promise<{ registered: boolean; status?: number; body?: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl, { headers });
    ws.on('message', () => {
      resolve({ registered: true });
      ws.close();
    });
    ws.on('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ registered: false, status: response.statusCode, body }));
    });
    ws.on('error', () => undefined);
  });
}

describe('security headers and allowed origins', () => {
  let orion: OrionTestApp;

  afterEach(async () => {
    await orion?.close();
  });

  it('sends nosniff, frame denial and a Content-Security-Policy on every kind of response', async () => {
    orion = await startOrion();
    const responses = {
      ping: await request(orion.httpUrl).get('/ping'),
      lobbies: await request(orion.httpUrl).get('/lobbies'),
      notFound: await request(orion.httpUrl).get('/nowhere'),
      badRequest: await request(orion.httpUrl).post('/lobbies').send({}),
      metrics: await request(orion.httpUrl).get('/metrics'),
      docs: await request(orion.httpUrl).get('/docs'),
      openapi: await request(orion.httpUrl).get('/docs/openapi.json'),
    };
    for (const [name, response] of Object.entries(responses)) {
      expect(response.headers['x-content-type-options'], name).toBe('nosniff');
      expect(response.headers['x-frame-options'], name).toBe('DENY');
      expect(response.headers['content-security-policy'], name).toContain("frame-ancestors 'none'");
      expect(response.headers['strict-transport-security'], name).toBeUndefined();
    }
    expect(responses.badRequest.status).toBe(400);
    expect(responses.lobbies.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('lets Swagger UI load: /docs runs only scripts from itself, all of which the policy allows', async () => {
    orion = await startOrion();
    const docs = await request(orion.httpUrl).get('/docs');
    expect(docs.status).toBe(200);
    const policy = docs.headers['content-security-policy'] as string;
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("img-src 'self' data:");
    // Every script is a file of its own under /docs (no inline code the policy would block).
    const scripts = [...docs.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, code] of scripts) {
      expect(code.trim()).toBe('');
      const src = /src="([^"]+)"/.exec(attributes)?.[1];
      expect(src).toBeDefined();
      expect(src).not.toMatch(/^https?:/);
      const script = await request(orion.httpUrl).get(
        new URL(src!, `${orion.httpUrl}/docs`).pathname,
      );
      expect(script.status, src).toBe(200);
    }
  });

  it('answers CORS with * by default, never reflecting the origin or allowing credentials', async () => {
    orion = await startOrion();
    const response = await request(orion.httpUrl)
      .get('/lobbies')
      .set('Origin', 'https://anywhere.example');
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    expect(await upgradeOutcome(orion.wsUrl, { Origin: 'https://anywhere.example' })).toEqual({
      registered: true,
    });
  });

  it('with --allowedOrigins, serves only the listed origins, and native clients as ever', async () => {
    orion = await startOrion({ allowedOrigins: 'https://game.example' });
    const listed = await request(orion.httpUrl)
      .options('/lobbies')
      .set('Origin', 'https://game.example')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type');
    expect(listed.headers['access-control-allow-origin']).toBe('https://game.example');
    const other = await request(orion.httpUrl)
      .get('/lobbies')
      .set('Origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();

    const refused = await upgradeOutcome(orion.wsUrl, { Origin: 'https://evil.example' });
    expect(refused.registered).toBe(false);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body!)).toEqual({
      errors: ['This web origin may not connect to this server.'],
    });
    expect(await upgradeOutcome(orion.wsUrl, { Origin: 'https://GAME.example' })).toEqual({
      registered: true,
    });
    // No Origin header at all: a native client (Godot, Unity, the SDK).
    const native = await TestClient.connect(orion.wsUrl);
    expect(native.token).not.toBe('');
    await native.close();
  });

  it('marks raw refusals written before any route runs as nosniff too', async () => {
    orion = await startOrion();
    const answer = await rawExchange(
      orion.httpUrl,
      'GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer.toLowerCase()).toContain('x-content-type-options: nosniff');
  });
});
