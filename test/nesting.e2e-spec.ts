import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeFrame, MAX_NESTING_DEPTH } from '@orion/protocol';
import { ClientPool, openParty, sendFromNewSocket } from './support/flows/mediation-flows.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import { sleep } from './support/timing.js';

/**
 * Deeply nested JSON once overflowed class-transformer's stack (found by the fuzz
 * test): a 500 over HTTP, an `exception` frame echoing the token over WebSocket, and an
 * uncaught exception from a UDP datagram. 1,500 levels fit in 3 KB.
 */
const DEEP = 1_500;
const deepArray = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const base64 = (json: string) => Buffer.from(json, 'utf8').toString('base64');

describe('input nested deeper than Orion accepts', () => {
  let orion: OrionTestApp;
  const pool = new ClientPool();

  beforeAll(async () => {
    orion = await startOrion({ maxDatagramBytes: 8_192 });
  });
  afterEach(async () => {
    await pool.closeAll();
  });
  afterAll(async () => {
    await orion?.close();
  });

  it.each(['/lobbies', '/lobbies/ABCDE/join', '/lobbies/ABCDE/ptp/start'])(
    'POST %s answers 400 with {errors}, never 500',
    async (path) => {
      const response = await request(orion.httpUrl)
        .post(path)
        .set('Content-Type', 'application/json')
        .send(`{"token":${deepArray(DEEP)}}`);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        errors: [`The request is nested more than ${MAX_NESTING_DEPTH} levels deep.`],
      });
      expect(orion.logger.text).not.toContain('Maximum call stack');
    },
  );

  it('still validates a body at the depth bound as usual', async () => {
    let value = '"x"';
    for (let i = 1; i < MAX_NESTING_DEPTH; i++) value = `[${value}]`;
    const response = await request(orion.httpUrl)
      .post('/lobbies')
      .set('Content-Type', 'application/json')
      .send(`{"token":${value}}`);
    expect(response.status).toBe(400);
    expect(response.body.errors.join(' ')).not.toMatch(/nested/);
  });

  it('drops a deeply nested WebSocket message silently and keeps serving the client', async () => {
    const party = await openParty(orion, pool, ['Host', 'Ann']);
    const host = party.host.client;
    const ann = party.members[0].client;
    const before = ann.received.length;
    for (const method of ['lobby_messaging_send', 'ptpMediation_peersConnection_success']) {
      const json = `{"token":"${host.token}","lobbyId":${deepArray(3_000)},"message":"x"}`;
      host.sendRaw(`${method}:${base64(json)}`);
    }
    await sleep(200);
    expect(host.isOpen).toBe(true);
    // Nothing came back: no `exception` event, which would have echoed the token.
    expect(host.methods.slice(-1)).not.toContain('exception');
    host.send('lobby_messaging_send', { token: host.token, lobbyId: party.lobbyId, message: 'hi' });
    const chat = await ann.next('lobby_messaging_received');
    expect(chat.message.message).toBe('hi');
    expect(ann.received.slice(before).map((m) => m.method)).toEqual(['lobby_messaging_received']);
    expect(orion.logger.text).not.toContain('Maximum call stack');
    expect(orion.logger.text).not.toContain(host.token);
  });

  it('ignores a deeply nested UDP datagram as malformed and stays up', async () => {
    const datagram = `ptpMediation_connect:${base64(`{"token":${deepArray(DEEP)}}`)}`;
    expect(datagram.length).toBeLessThan(8_192);
    await sendFromNewSocket(orion.udpPort, datagram);
    await sleep(100);
    await sendFromNewSocket(orion.udpPort, encodeFrame('ptpMediation_connect', { token: 'x' }));
    await sleep(100);
    const metrics = await request(orion.httpUrl).get('/metrics');
    expect(metrics.text).toContain('orion_udp_datagrams_total{result="malformed"} 1');
    expect(metrics.text).toContain('orion_udp_datagrams_total{result="unknown_token"} 1');
    expect(orion.logger.text).not.toContain('Maximum call stack');
  });
});
