/**
 * Conformance of P2P mediation: who may start it, success, and the aborts of the peers phase.
 * See test/support/conformance/server.ts for how the server under test is run.
 */
import { describe, expect, it } from 'vitest';
import { Client } from '../support/conformance/client.js';
import { expectError, http } from '../support/conformance/http.js';
import {
  createLobby,
  expectNoMoreMediationMessages,
  joinLobby,
  listLobbies,
  setupLobby,
  startMediation,
} from '../support/conformance/lobby.js';
import {
  HOST,
  orion,
  PEERS_CONNECT_TIMEOUT_MS,
  REQUEST_INTERVAL_MS,
  SERVER_CONNECT_TIMEOUT_MS,
} from '../support/conformance/run.js';
import {
  itSentOnlyWellFormedFramesAndLeakedNoToken,
  useConformanceServer,
} from '../support/conformance/server.js';
import type { Json } from '../support/conformance/wire.js';
import { sleep } from '../support/timing.js';

useConformanceServer();

describe('Orion conformance (spec-only client): mediation', () => {
  it('answers 409 when a non-host starts P2P mediation', async () => {
    const { lobbyId, host, members } = await setupLobby(1);
    const outsider = await Client.connect('outsider');
    const otherHost = await Client.connect('otherHost');
    await createLobby(otherHost, { hostName: 'Other' });
    expectError(await startMediation(lobbyId, members[0].token), 409, 'member starts mediation');
    expectError(await startMediation(lobbyId, outsider.token), 409, 'outsider starts mediation');
    expectError(
      await startMediation(lobbyId, otherHost.token),
      409,
      "another lobby's host starts mediation",
    );
    await sleep(300);
    for (const c of [host, members[0]]) {
      expect(c.since(0, 'ptpMediation_'), `${c.label}: no mediation started`).toEqual([]);
    }
  });

  it('answers 409 when the host starts mediation with only one member', async () => {
    const host = await Client.connect('host');
    const lobbyId = await createLobby(host);
    expectError(await startMediation(lobbyId, host.token), 409, 'start with the host alone');
    await sleep(300);
    expect(host.since(0, 'ptpMediation_')).toEqual([]);
  });

  it('answers 409 when mediation is already underway, and a locked lobby accepts no new members', async () => {
    const { lobbyId, lobbyName, host, members } = await setupLobby(1);
    const startedAt = Date.now();
    const res = await startMediation(lobbyId, host.token);
    expect(res.status).toBe(200);
    expect(res.text, 'ptp/start success has no body').toBe('');
    expectError(await startMediation(lobbyId, host.token), 409, 'second ptp/start');
    const late = await Client.connect('late');
    expectError(
      await http('POST', `/lobbies/${lobbyId}/join`, { token: late.token, peerName: 'Late' }),
      409,
      'join a lobby while its mediation is underway',
    );

    // decided: the host leaving mid-mediation closes the lobby, without ptpMediation_aborted
    await host.close();
    const closed = await members[0].next('lobby_closed');
    expect(closed.payload).toEqual({ lobbyId, lobbyName });
    expect(members[0].all('ptpMediation_aborted')).toEqual([]);
    await expectNoMoreMediationMessages(members, startedAt + SERVER_CONNECT_TIMEOUT_MS + 300);
  });

  it('full mediation with three clients: UDP endpoints collected, peers exchanged, ptpMediation_success then lobby_closed', async () => {
    const { lobbyId, lobbyName, host, members } = await setupLobby(2, true, {
      lobbyName: 'Mediated',
    });
    const [p1, p2] = members;
    const everyone = [host, p1, p2];
    for (const c of everyone) c.autoAnswer = true;

    const res = await startMediation(lobbyId, host.token);
    expect(res.status).toBe(200);
    expect(res.text).toBe('');

    for (const c of everyone) {
      const m = await c.next('ptpMediation_send', 2000);
      expect(m.payload, `${c.label}: ptpMediation_send payload`).toEqual({ port: orion.udpPort });
    }

    const starts = await Promise.all(
      everyone.map((c) => c.next('ptpMediation_peersConnection_start', 3000)),
    );
    const peersAt = Math.max(...starts.map((s) => s.at));
    const peerOf = (c: Client, name: string) => ({ ip: HOST, port: c.udpLocalPort, name });
    expect(Object.keys(starts[0].payload)).toEqual(['peers']);
    expect(starts[0].payload.peers, "host's peers: every member, in join order").toEqual([
      peerOf(p1, 'Peer_1'),
      peerOf(p2, 'Peer 2'),
    ]);
    expect(starts[1].payload.peers, "Peer_1's peers: the host").toEqual([peerOf(host, 'Host')]);
    expect(starts[2].payload.peers, "Peer 2's peers: the host").toEqual([peerOf(host, 'Host')]);

    // Once every endpoint is known: no reminders, and a late duplicate UDP packet changes nothing.
    const marks = everyone.map((c) => c.mark());
    host.sendUdpConnect();
    p1.sendUdpConnect();
    await sleep(3 * REQUEST_INTERVAL_MS);
    for (const [i, c] of everyone.entries()) {
      expect(
        c.since(marks[i], 'ptpMediation_').map((m) => m.method),
        c.label,
      ).toEqual([]);
      expect(c.udpAnswers, `${c.label} answered every ptpMediation_send`).toBeGreaterThanOrEqual(
        c.all('ptpMediation_send').length,
      );
    }

    host.send('ptpMediation_peersConnection_success', { token: host.token });
    p1.send('ptpMediation_peersConnection_success', { token: p1.token });
    await sleep(300);
    for (const c of everyone) {
      expect(c.all('ptpMediation_success'), `${c.label}: not before everyone succeeded`).toEqual(
        [],
      );
    }
    p2.send('ptpMediation_peersConnection_success', { token: p2.token });

    for (const c of everyone) {
      const success = await c.next('ptpMediation_success', 2000);
      expect(success.payload).toEqual({});
      const closed = await c.next('lobby_closed', 2000);
      expect(closed.payload).toEqual({ lobbyId, lobbyName });
      expect(c.indexOf(success)).toBeLessThan(c.indexOf(closed));
    }
    await expectNoMoreMediationMessages(everyone, peersAt + PEERS_CONNECT_TIMEOUT_MS + 300);

    expect((await listLobbies()).find((l) => l.id === lobbyId)).toBeUndefined();
    // decided: sockets stay open and the clients may host or join again
    for (const c of everyone) expect(c.isOpen, `${c.label} socket open`).toBe(true);
    const newId = await createLobby(p1, { hostName: 'Again' });
    await joinLobby(host, newId, 'Host');
  });

  it('mediation aborts with ptpMediation_aborted when not every client reports peersConnection_success in time', async () => {
    const { lobbyId, host, members } = await setupLobby(1, true);
    const p1 = members[0];
    const outsider = await Client.connect('outsider');

    expect((await startMediation(lobbyId, host.token)).status).toBe(200);
    await host.next('ptpMediation_send', 2000);
    await p1.next('ptpMediation_send', 2000);
    // Premature success reports (still in the UDP phase) must not count.
    host.send('ptpMediation_peersConnection_success', { token: host.token });
    p1.send('ptpMediation_peersConnection_success', { token: p1.token });
    await sleep(100);
    host.autoAnswer = true;
    p1.autoAnswer = true;
    host.sendUdpConnect();
    p1.sendUdpConnect();

    const starts = await Promise.all(
      [host, p1].map((c) => c.next('ptpMediation_peersConnection_start', 2000)),
    );
    const peersAt = Math.max(...starts.map((s) => s.at));
    // Only the host reports; Peer_1's token over the host's socket or an outsider must not count.
    host.send('ptpMediation_peersConnection_success', { token: host.token });
    host.send('ptpMediation_peersConnection_success', { token: p1.token });
    outsider.send('ptpMediation_peersConnection_success', { token: outsider.token });

    const aborts = await Promise.all(
      [host, p1].map((c) => c.next('ptpMediation_aborted', PEERS_CONNECT_TIMEOUT_MS + 1500)),
    );
    for (const a of aborts) {
      expect(Object.keys(a.payload)).toEqual(['abortReason']);
      expect(typeof a.payload.abortReason).toBe('string');
      expect((a.payload.abortReason as string).length).toBeGreaterThan(0);
      expect(a.at - peersAt).toBeGreaterThanOrEqual(PEERS_CONNECT_TIMEOUT_MS - 100);
    }
    expect(host.all('ptpMediation_success')).toEqual([]);
    expect(p1.all('ptpMediation_success')).toEqual([]);

    // A success report after the abort changes nothing.
    p1.send('ptpMediation_peersConnection_success', { token: p1.token });
    await expectNoMoreMediationMessages([host, p1, outsider]);
    expect(outsider.since(1)).toEqual([]);

    // The lobby survives the abort and its host may start again.
    expect((await listLobbies()).find((l) => l.id === lobbyId)?.currentMembers).toBe(2);
    expect((await startMediation(lobbyId, host.token)).status).toBe(200);
    await host.next('ptpMediation_send', 2000);
    await host.close();
    await p1.next('lobby_closed');
  });

  it('a member leaving mid-mediation aborts it for the rest (lobby_peerDisconnect, then ptpMediation_aborted) and the lobby accepts joins again', async () => {
    const { lobbyId, host, members } = await setupLobby(2, true);
    const [p1, p2] = members;
    host.autoAnswer = true;
    p1.autoAnswer = true;
    const startedAt = Date.now();
    expect((await startMediation(lobbyId, host.token)).status).toBe(200);
    await p2.next('ptpMediation_send', 2000);
    await p2.close();

    for (const c of [host, p1]) {
      const left = await c.next('lobby_peerDisconnect', 2000);
      expect(left.payload).toEqual({ lobbyId, peerName: 'Peer 2' });
      const aborted = await c.next('ptpMediation_aborted', 2000);
      expect(Object.keys(aborted.payload)).toEqual(['abortReason']);
      expect(typeof aborted.payload.abortReason).toBe('string');
      expect(c.indexOf(left)).toBeLessThan(c.indexOf(aborted));
    }
    await expectNoMoreMediationMessages([host, p1], startedAt + SERVER_CONNECT_TIMEOUT_MS + 300);

    const joiner = await Client.connect('joiner');
    const res = await joinLobby(joiner, lobbyId, 'Peer 2');
    expect((res.json as Json).lobbyMembers).toEqual(['Host', 'Peer_1', 'Peer 2']);
  });

  it('a member leaving during the peers phase aborts the mediation for the rest', async () => {
    const { lobbyId, host, members } = await setupLobby(2, true);
    const [p1, p2] = members;
    for (const c of [host, p1, p2]) c.autoAnswer = true;
    expect((await startMediation(lobbyId, host.token)).status).toBe(200);
    const starts = await Promise.all(
      [host, p1, p2].map((c) => c.next('ptpMediation_peersConnection_start', 2000)),
    );
    const peersAt = Math.max(...starts.map((s) => s.at));
    host.send('ptpMediation_peersConnection_success', { token: host.token });
    p2.send('ptpMediation_peersConnection_success', { token: p2.token });
    await p2.close();
    for (const c of [host, p1]) {
      const left = await c.next('lobby_peerDisconnect', 2000);
      expect(left.payload).toEqual({ lobbyId, peerName: 'Peer 2' });
      const aborted = await c.next('ptpMediation_aborted', 2000);
      expect(typeof aborted.payload.abortReason).toBe('string');
    }
    // Peer_1's late success must not complete the aborted mediation.
    p1.send('ptpMediation_peersConnection_success', { token: p1.token });
    await expectNoMoreMediationMessages([host, p1], peersAt + PEERS_CONNECT_TIMEOUT_MS + 300);
    expect((await listLobbies()).find((l) => l.id === lobbyId)?.currentMembers).toBe(2);
  });

  itSentOnlyWellFormedFramesAndLeakedNoToken(50);
});
