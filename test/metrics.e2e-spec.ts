import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MetricsServer } from '../src/metrics/metrics-server.js';
import {
  ClientPool,
  mediateToSuccess,
  openParty,
  postStart,
  sendFromNewSocket,
} from './support/flows/mediation-flows.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import { markOf, nextSince } from './support/clients/received.js';
import { sleep } from './support/timing.js';

/** `name{labels} value` lines of a Prometheus text exposition, keyed by `name{labels}`. */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const split = line.lastIndexOf(' ');
    samples.set(line.slice(0, split), Number(line.slice(split + 1)));
  }
  return samples;
}

async function scrape(orion: OrionTestApp): Promise<Map<string, number>> {
  const response = await request(orion.httpUrl).get('/metrics');
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain/);
  return parseExposition(response.text);
}

describe('GET /metrics after a scripted flow', () => {
  let orion: OrionTestApp;
  const pool = new ClientPool();
  let samples: Map<string, number>;

  beforeAll(async () => {
    orion = await startOrion();
    // One mediation that succeeds.
    const winners = await openParty(orion, pool, ['Ann', 'Bob', 'Cid']);
    await mediateToSuccess(orion, winners);
    // One that aborts because a member leaves during the UDP phase.
    const quitters = await openParty(orion, pool, ['Dee', 'Eve']);
    const mark = markOf(quitters.host.client);
    expect((await postStart(orion, quitters.host.client, quitters.lobbyId)).status).toBe(200);
    await quitters.members[0].client.close();
    await nextSince(quitters.host.client, 'ptpMediation_aborted', mark);
    // Two open lobbies: one public with two members, one private with one.
    const chatty = await openParty(orion, pool, ['Fay', 'Gus']);
    // WebSocket frames: one of each kind of drop, then a chat that is delivered.
    const fay = chatty.host.client;
    fay.sendRaw(Buffer.from([1, 2, 3]));
    fay.send('lobby_shout', { token: fay.token });
    fay.send('lobby_messaging_send', { token: fay.token, lobbyId: chatty.lobbyId, message: '' });
    fay.send('lobby_messaging_send', { token: fay.token, lobbyId: chatty.lobbyId, message: 'hi' });
    await fay.next('lobby_messaging_received');
    await openParty(orion, pool, ['Hal'], { isPublic: false });
    // Garbage on the UDP port: three malformed datagrams and one too large.
    for (const garbage of ['hello', 'ptpMediation_connect:!!!', 'nope:e30=']) {
      await sendFromNewSocket(orion.udpPort, garbage);
    }
    await sendFromNewSocket(orion.udpPort, 'x'.repeat(2_000));
    // Datagrams are handled asynchronously: scrape until all four have been counted.
    const rejected = (current: Map<string, number>) =>
      (current.get('orion_udp_datagrams_total{result="malformed"}') ?? 0) +
      (current.get('orion_udp_datagrams_total{result="oversize"}') ?? 0);
    const deadline = Date.now() + 3_000;
    samples = await scrape(orion);
    while (rejected(samples) < 4 && Date.now() < deadline) {
      await sleep(20);
      samples = await scrape(orion);
    }
  });

  afterAll(async () => {
    await pool.closeAll();
    await orion.close();
  });

  it('counts mediations started and how each ended', () => {
    expect(samples.get('orion_mediations_started_total')).toBe(2);
    expect(samples.get('orion_mediations_ended_total{reason="succeeded"}')).toBe(1);
    expect(samples.get('orion_mediations_ended_total{reason="member_left"}')).toBe(1);
  });

  it('times each mediation phase by how it ended', () => {
    expect(
      samples.get(
        'orion_mediation_phase_duration_seconds_count{phase="collecting",outcome="completed"}',
      ),
    ).toBe(1);
    expect(
      samples.get(
        'orion_mediation_phase_duration_seconds_count{phase="connecting",outcome="completed"}',
      ),
    ).toBe(1);
    expect(
      samples.get(
        'orion_mediation_phase_duration_seconds_count{phase="collecting",outcome="aborted"}',
      ),
    ).toBe(1);
  });

  it('counts UDP datagrams by result', () => {
    expect(samples.get('orion_udp_datagrams_total{result="accepted"}')).toBe(3);
    expect(samples.get('orion_udp_datagrams_total{result="malformed"}')).toBe(3);
    expect(samples.get('orion_udp_datagrams_total{result="oversize"}')).toBe(1);
  });

  it('counts WebSocket frames by result', () => {
    // Three success reports in the mediation, and the one chat message.
    expect(samples.get('orion_ws_frames_total{result="accepted"}')).toBe(4);
    expect(samples.get('orion_ws_frames_total{result="rejected"}')).toBe(1);
    expect(samples.get('orion_ws_frames_total{result="unknown_method"}')).toBe(1);
    expect(samples.get('orion_ws_frames_total{result="malformed"}')).toBe(1);
  });

  it('reports connected clients and open lobbies by visibility and state', () => {
    // Ann, Bob, Cid, Dee, Fay, Gus and Hal are connected; Eve left.
    expect(samples.get('orion_connected_clients')).toBe(7);
    expect(samples.get('orion_lobbies{visibility="public",state="open",password="no"}')).toBe(2);
    expect(samples.get('orion_lobbies{visibility="private",state="open",password="no"}')).toBe(1);
    expect(samples.get('orion_lobbies{visibility="public",state="mediating",password="no"}')).toBe(
      0,
    );
    expect(samples.get('orion_lobbies{visibility="public",state="open",password="yes"}')).toBe(0);
    expect(samples.get('orion_lobby_members_count')).toBe(3);
    expect(samples.get('orion_lobby_members_sum')).toBe(1 + 2 + 1);
  });

  it('counts HTTP requests by route pattern and status, never by raw URL', () => {
    expect(
      samples.get('orion_http_requests_total{method="POST",route="/lobbies",status="201"}'),
    ).toBe(4);
    expect(
      samples.get(
        'orion_http_requests_total{method="POST",route="/lobbies/:lobbyId/join",status="200"}',
      ),
    ).toBe(4);
    expect(
      samples.get(
        'orion_http_requests_total{method="POST",route="/lobbies/:lobbyId/ptp/start",status="200"}',
      ),
    ).toBe(2);
    const routes = [...samples.keys()].filter((key) => key.startsWith('orion_http_requests_total'));
    for (const key of routes) expect(key).not.toMatch(/route="\/lobbies\/[A-Z0-9]{5}/);
  });

  it('includes the default process metrics', () => {
    expect(samples.get('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(samples.get('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });
});

describe('--metricsPort', () => {
  let orion: OrionTestApp;

  afterEach(async () => {
    await orion.close();
  });

  it('moves /metrics to a port of its own', async () => {
    orion = await startOrion({ metricsPort: 0 });
    const port = orion.app.get(MetricsServer).port;
    expect(port).toBeGreaterThan(0);

    expect((await request(orion.httpUrl).get('/metrics')).status).toBe(404);
    const separate = await request(`http://127.0.0.1:${port}`).get('/metrics');
    expect(separate.status).toBe(200);
    expect(separate.text).toContain('orion_connected_clients 0');
    expect((await request(`http://127.0.0.1:${port}`).get('/other')).status).toBe(404);
  });
});
