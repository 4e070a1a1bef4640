import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import { TestClient } from './support/clients/test-client.js';

describe('smoke', () => {
  let orion: OrionTestApp;
  beforeAll(async () => {
    orion = await startOrion();
  });
  afterAll(async () => {
    await orion.close();
  });

  it('answers GET /ping with pong', async () => {
    const response = await request(orion.httpUrl).get('/ping');
    expect(response.status).toBe(200);
    expect(response.text).toBe('pong');
  });

  it('sends neither an ETag nor an X-Powered-By header', async () => {
    for (const path of ['/ping', '/lobbies']) {
      const response = await request(orion.httpUrl).get(path);
      expect(response.status).toBe(200);
      expect(response.headers.etag, path).toBeUndefined();
      expect(response.headers['x-powered-by'], path).toBeUndefined();
    }
  });

  it('registers a WebSocket client on any path', async () => {
    const client = await TestClient.connect(orion.wsUrl, '/some/path');
    expect(client.token.length).toBeGreaterThanOrEqual(22);
    await client.close();
  });
});
