import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import {
  ClientPool,
  expectPeers,
  openParty,
  postStart,
  sendFromNewSocket,
  sendSuccess,
} from './support/flows/mediation-flows.js';
import { FAST_TIMERS, startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import { frameOfSize } from './support/clients/sized-frames.js';
import { countSince, markOf, nextSince } from './support/clients/received.js';
import { sleep } from './support/timing.js';

const MAX_DATAGRAM_BYTES = 200;

describe('--maxDatagramBytes', () => {
  let orion: OrionTestApp;
  const pool = new ClientPool();

  beforeAll(async () => {
    orion = await startOrion({ maxDatagramBytes: MAX_DATAGRAM_BYTES });
  });
  afterEach(async () => {
    await pool.closeAll();
  });
  afterAll(async () => {
    await orion?.close();
  });

  it('ignores a ptpMediation_connect one byte over the limit and takes one of exactly the limit', async () => {
    const party = await openParty(orion, pool, ['Host', 'Alice']);
    const alice = party.members[0].client;
    const marks = party.everyone.map((peer) => markOf(peer.client));
    expect((await postStart(orion, party.host.client, party.lobbyId)).status).toBe(200);
    for (const [i, peer] of party.everyone.entries()) {
      await nextSince(peer.client, 'ptpMediation_send', marks[i]);
    }
    await party.host.client.sendUdp(orion.udpPort);

    const exact = frameOfSize('ptpMediation_connect', { token: alice.token }, MAX_DATAGRAM_BYTES);
    // Still a valid frame, which the default limit (1024) would take.
    const oneOver = `${exact} `;
    await sendFromNewSocket(orion.udpPort, oneOver);
    await sleep(2 * FAST_TIMERS.ptpmConnectRequestIntervalMs);
    expect(countSince(party.host.client, 'ptpMediation_peersConnection_start', 0)).toBe(0);
    const metrics = await request(orion.httpUrl).get('/metrics');
    expect(metrics.text).toContain('orion_udp_datagrams_total{result="oversize"} 1');

    const port = await sendFromNewSocket(orion.udpPort, exact);
    const hostStart = await party.host.client.next('ptpMediation_peersConnection_start');
    expectPeers(hostStart.peers, [{ ip: '127.0.0.1', port, name: 'Alice' }]);
    for (const peer of party.everyone) sendSuccess(peer);
    for (const peer of party.everyone) await peer.client.next('lobby_closed');
  });
});
