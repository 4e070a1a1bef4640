/**
 * Conformance of the UDP endpoint phase: ptpMediation_send reminders, and the abort when
 * packets are missing. See test/support/conformance/server.ts for how the server is run.
 */
import { describe, expect, it } from 'vitest';
import { Client } from '../support/conformance/client.js';
import {
  expectNoMoreMediationMessages,
  joinLobby,
  setupLobby,
  startMediation,
} from '../support/conformance/lobby.js';
import {
  orion,
  PEERS_CONNECT_TIMEOUT_MS,
  REQUEST_INTERVAL_MS,
  SERVER_CONNECT_TIMEOUT_MS,
} from '../support/conformance/run.js';
import {
  itSentOnlyWellFormedFramesAndLeakedNoToken,
  useConformanceServer,
} from '../support/conformance/server.js';
import { encode, type Json } from '../support/conformance/wire.js';
import { sleep } from '../support/timing.js';

useConformanceServer();

describe('Orion conformance (spec-only client): UDP endpoint phase', () => {
  it('ptpMediation_send reminders keep coming to a client that does not answer, and only to it', async () => {
    const { lobbyId, lobbyName, host, members } = await setupLobby(2, true);
    const [p1, p2] = members;
    host.autoAnswer = true;
    p1.autoAnswer = true;
    const res = await startMediation(lobbyId, host.token);
    expect(res.status).toBe(200);

    await p2.waitCount('ptpMediation_send', 4, SERVER_CONNECT_TIMEOUT_MS - 200);
    const sends = p2.all('ptpMediation_send');
    for (const s of sends) expect(s.payload).toEqual({ port: orion.udpPort });
    const gaps = sends.slice(1).map((s, i) => s.at - sends[i].at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(REQUEST_INTERVAL_MS / 2);
    expect(host.all('ptpMediation_send').length, 'host already answered').toBeLessThanOrEqual(2);
    expect(p1.all('ptpMediation_send').length, 'Peer_1 already answered').toBeLessThanOrEqual(2);
    expect(host.all('ptpMediation_peersConnection_start')).toEqual([]);

    // Finally answering the latest reminder completes the endpoint phase.
    p2.sendUdpConnect(sends.at(-1)?.payload.port as number);
    const starts = await Promise.all(
      [host, p1, p2].map((c) => c.next('ptpMediation_peersConnection_start', 2000)),
    );
    const peersAt = Math.max(...starts.map((s) => s.at));
    const mark = p2.mark();
    await sleep(2 * REQUEST_INTERVAL_MS);
    expect(p2.since(mark, 'ptpMediation_send'), 'no reminders after the endpoint phase').toEqual(
      [],
    );

    await host.close();
    for (const c of members)
      expect((await c.next('lobby_closed')).payload).toEqual({ lobbyId, lobbyName });
    await expectNoMoreMediationMessages(members, peersAt + PEERS_CONNECT_TIMEOUT_MS + 300);
  });

  it('mediation aborts with ptpMediation_aborted { abortReason } when not every UDP packet arrives in time', async () => {
    const { lobbyId, host, members } = await setupLobby(1, true);
    const p1 = members[0];
    const outsider = await Client.connect('outsider', '/', true);
    host.autoAnswer = true;

    const startedAt = Date.now();
    expect((await startMediation(lobbyId, host.token)).status).toBe(200);
    await p1.next('ptpMediation_send', 2000);
    // Packets that must not count for Peer_1.
    p1.sendUdpRaw('garbage');
    p1.sendUdpRaw('ptpMediation_connect:%%%');
    p1.sendUdpRaw(encode('ptpMediation_connect', { token: 'not-a-real-token-0123456789' }));
    p1.sendUdpRaw(encode('ptpMediation_connect', {}));
    outsider.sendUdpConnect();

    const aborts = await Promise.all(
      [host, p1].map((c) => c.next('ptpMediation_aborted', SERVER_CONNECT_TIMEOUT_MS + 1500)),
    );
    for (const a of aborts) {
      expect(Object.keys(a.payload)).toEqual(['abortReason']);
      expect(typeof a.payload.abortReason).toBe('string');
      expect((a.payload.abortReason as string).length).toBeGreaterThan(0);
      expect(a.at - startedAt).toBeGreaterThanOrEqual(SERVER_CONNECT_TIMEOUT_MS - 100);
    }
    expect(host.all('ptpMediation_peersConnection_start')).toEqual([]);
    expect(p1.all('ptpMediation_peersConnection_start')).toEqual([]);
    expect(outsider.since(1, 'ptpMediation_')).toEqual([]);
    await expectNoMoreMediationMessages([host, p1, outsider]);

    // The lobby is unlocked again: it accepts joins and the host can start again.
    const joiner = await Client.connect('joiner', '/', true);
    await joinLobby(joiner, lobbyId, 'Joiner');
    for (const c of [host, p1, joiner]) c.autoAnswer = true;
    expect((await startMediation(lobbyId, host.token)).status).toBe(200);
    const start = await host.next('ptpMediation_peersConnection_start', 2000);
    expect((start.payload.peers as Json[]).map((p) => p.port)).toEqual([
      p1.udpLocalPort,
      joiner.udpLocalPort,
    ]);
    await host.close();
    await p1.next('lobby_closed');
    await joiner.next('lobby_closed');
  });

  itSentOnlyWellFormedFramesAndLeakedNoToken(30);
});
