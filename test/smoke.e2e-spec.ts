import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrion, type OrionTestApp } from './support/orion-test-app.js';
import { TestClient } from './support/test-client.js';

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

  it('registers a WebSocket client on any path', async () => {
    const client = await TestClient.connect(orion.wsUrl, '/some/path');
    expect(client.token.length).toBeGreaterThanOrEqual(22);
    await client.close();
  });
});
