import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UdpListenerService } from '../src/udp/udp-listener.service.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';

describe('health probes', () => {
  let orion: OrionTestApp;

  beforeEach(async () => {
    orion = await startOrion();
  });

  afterEach(async () => {
    await orion.close();
  });

  it('GET /healthz answers 200 while the process serves HTTP', async () => {
    const response = await request(orion.httpUrl).get('/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'ok' });
  });

  it('GET /readyz answers 200 and reports the bound UDP port', async () => {
    const response = await request(orion.httpUrl).get('/readyz');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'ok',
      details: { udp: { status: 'up', port: orion.udpPort } },
    });
  });

  it('GET /readyz answers 503 once the UDP socket is closed, while /healthz stays 200', async () => {
    await orion.app.get(UdpListenerService).onApplicationShutdown();

    const ready = await request(orion.httpUrl).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      status: 'error',
      details: { udp: { status: 'down', message: 'The UDP socket is not bound.' } },
    });
    expect((await request(orion.httpUrl).get('/healthz')).status).toBe(200);
  });

  it('GET /ping still answers pong, as the protocol says', async () => {
    const response = await request(orion.httpUrl).get('/ping');
    expect(response.status).toBe(200);
    expect(response.text).toBe('pong');
  });
});
