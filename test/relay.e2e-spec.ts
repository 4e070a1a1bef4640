/**
 * The opt-in UDP relay (issue 17): `ptpMediation_relay_request` in the peers phase, the
 * allocation to both sides, `ptpMediation_relay_bind`, byte-for-byte forwarding, its abuse
 * guards, and the session's end. Every relay endpoint is on 127.0.0.1.
 */
import { describe, expect, it } from 'vitest';
import { RELAY_BOUND_METHOD, decodeFrame } from '@orion/protocol';
import { countSince, markOf, nextSince } from './support/clients/received.js';
import { openParty, postStart, sendSuccess, type Peer } from './support/flows/mediation-flows.js';
import { dropConnection, resume } from './support/flows/reconnection-flows.js';
import { metricValue } from './support/orion/metrics.js';
import { portsOf } from './support/relay/free-port-range.js';
import {
  QUIET_MS,
  allocatePair,
  bindFrame,
  bindPair,
  bindRelay,
  bytesOf,
  expectOneRelay,
  expectRelayed,
  gameDatagrams,
  reachPeersPhase,
  relayDatagrams,
  relayGauges,
  relaySessionsEnded,
  requestPairRelay,
  requestRelay,
  sendAll,
  useRelayHarness,
  type RelayEntry,
} from './support/relay/relay-flows.js';
import { sleep, waitUntil } from './support/timing.js';

const NO_FREE_PORTS = 'The relay has no free ports.';

/** Both (or all) peers report success and get `ptpMediation_success`. */
async function succeed(peers: Peer[]): Promise<void> {
  for (const peer of peers) sendSuccess(peer);
  for (const peer of peers) expect(await peer.client.next('ptpMediation_success')).toEqual({});
}

describe('relay', () => {
  const harness = useRelayHarness();

  it('with the relay off, a relay request is dropped and the mediation still succeeds', async () => {
    const orion = await harness.start(0);
    const party = await openParty(orion, harness.pool, ['Host', 'Guest']);
    await reachPeersPhase(orion, party);
    const [host, member] = party.everyone;
    const marks = party.everyone.map((peer) => markOf(peer.client));
    const unknownSample = 'orion_ws_frames_total{result="unknown_method"}';
    const unknownBefore = await metricValue(orion, unknownSample);

    requestRelay(member, [host.name]);
    requestRelay(host, [member.name]);
    await sleep(QUIET_MS);
    // Dropped as any unknown message is, as before the relay existed.
    expect(await metricValue(orion, unknownSample)).toBe(unknownBefore + 2);
    party.everyone.forEach((peer, i) => {
      expect(peer.client.methods.slice(marks[i])).toEqual([]);
      expect(peer.client.isOpen).toBe(true);
    });
    expect(await relayGauges(orion)).toEqual({ sessions: 0, portsInUse: 0 });

    await succeed(party.everyone);
    for (const peer of party.everyone) {
      expect(countSince(peer.client, 'ptpMediation_aborted', 0)).toBe(0);
    }
  });

  it('relays a pair: both sides get their own port, bind, and exchange datagrams byte for byte from the endpoint they were given', async () => {
    const orion = await harness.start(10);
    const pair = await allocatePair(harness);
    const { host, member, hostRelay, memberRelay } = pair;
    expect(await relayGauges(orion)).toEqual({ sessions: 1, portsInUse: 2 });

    // Each side binds a fresh socket (not the one it mediated with) to its own relay port.
    const hostUdp = await harness.udp.open();
    const memberUdp = await harness.udp.open();
    for (const [udp, peer, relay] of [
      [hostUdp, host, hostRelay],
      [memberUdp, member, memberRelay],
    ] as const) {
      const bound = await bindRelay(udp, peer.client.token, relay.port);
      expect(bound.address).toBe('127.0.0.1');
      expect(decodeFrame(bound.data.toString('utf8'))).toEqual({
        method: RELAY_BOUND_METHOD,
        payload: {},
      });
      // No amplification: the answer is smaller than the request.
      expect(bound.data.length).toBeLessThan(bindFrame(peer.client.token).length);
    }
    const hostMark = hostUdp.received.length;
    const memberMark = memberUdp.received.length;

    // The game's traffic, both ways at once.
    const fromMember = gameDatagrams(50, 1);
    const fromHost = gameDatagrams(50, 2);
    await Promise.all([
      sendAll(memberUdp, fromMember, memberRelay.port),
      sendAll(hostUdp, fromHost, hostRelay.port),
    ]);
    await hostUdp.waitForCount(50, 'the member datagrams reach the host', 3_000, hostMark);
    await memberUdp.waitForCount(50, 'the host datagrams reach the member', 3_000, memberMark);
    await sleep(100);
    // The host sees the member's traffic from the endpoint it was given for the member.
    expectRelayed(hostUdp.since(hostMark), fromMember, hostRelay.port);
    expectRelayed(memberUdp.since(memberMark), fromHost, memberRelay.port);
    expect(await relayDatagrams(orion, 'relayed')).toBe(100);
    expect(await relayDatagrams(orion, 'bind')).toBeGreaterThanOrEqual(2);
    expect(await metricValue(orion, 'orion_relay_bytes_total')).toBe(
      bytesOf(fromMember) + bytesOf(fromHost),
    );

    await succeed([host, member]);
    expect(countSince(host.client, 'ptpMediation_aborted', 0)).toBe(0);
    expect(countSince(member.client, 'ptpMediation_aborted', 0)).toBe(0);

    // The game goes on after the lobby is gone, even once both have left the lobby server.
    await host.client.close();
    await member.client.close();
    const late = gameDatagrams(3, 3);
    await memberUdp.send(late[0], memberRelay.port);
    await hostUdp.send(late[2], hostRelay.port);
    await hostUdp.waitForCount(1, 'a datagram after success', 2_000, hostMark + 50);
    await memberUdp.waitForCount(1, 'a datagram after success', 2_000, memberMark + 50);
    expectRelayed(hostUdp.since(hostMark + 50), [late[0]], hostRelay.port);
    expectRelayed(memberUdp.since(memberMark + 50), [late[2]], memberRelay.port);
    expect(await relayGauges(orion)).toEqual({ sessions: 1, portsInUse: 2 });
  });

  it('forwards nothing from strangers or from a bind to the other side, and cuts a flood at the byte rate', async () => {
    const orion = await harness.start(10, { relayBytesPerSecond: 10_000 });
    const { member, hostRelay, memberRelay, hostUdp, memberUdp } = await bindPair(
      harness,
      await allocatePair(harness),
    );
    const hostMark = hostUdp.received.length;
    const memberMark = memberUdp.received.length;

    // A stranger's datagrams, to either port, go nowhere and get no answer.
    const stranger = await harness.udp.open();
    for (const port of [hostRelay.port, memberRelay.port]) {
      await sendAll(stranger, gameDatagrams(5, port), port);
    }
    await sleep(QUIET_MS);
    expect(hostUdp.since(hostMark)).toEqual([]);
    expect(memberUdp.since(memberMark)).toEqual([]);
    expect(stranger.received).toEqual([]);
    expect(await relayDatagrams(orion, 'stranger')).toBe(10);

    // The member binds a socket of its own to the HOST's port: refused, and nothing is
    // forwarded to that socket afterwards, nor from it.
    const hijacker = await harness.udp.open();
    for (let i = 0; i < 3; i++) await hijacker.send(bindFrame(member.client.token), hostRelay.port);
    await sleep(QUIET_MS);
    expect(hijacker.received).toEqual([]);
    expect(await relayDatagrams(orion, 'wrong_member')).toBe(3);
    const fromMember = gameDatagrams(3, 4);
    await sendAll(memberUdp, fromMember, memberRelay.port);
    await hijacker.send(Buffer.from('from the hijacker'), hostRelay.port);
    await hostUdp.waitForCount(3, 'the member datagrams reach the host', 2_000, hostMark);
    await sleep(QUIET_MS);
    expectRelayed(hostUdp.since(hostMark), fromMember, hostRelay.port);
    expect(hijacker.received).toEqual([]);
    expect(memberUdp.since(memberMark)).toEqual([]);
    expect(await relayDatagrams(orion, 'stranger')).toBe(11);

    // A flood at ten times the pair's byte rate is cut.
    const floodMark = hostUdp.received.length;
    const flood = Array.from({ length: 100 }, (_, i) => Buffer.alloc(1_000, i));
    // In bursts, so that no socket buffer on the way overflows: only the relay may drop.
    for (let i = 0; i < flood.length; i += 10) {
      await sendAll(memberUdp, flood.slice(i, i + 10), memberRelay.port);
      await sleep(5);
    }
    await sleep(QUIET_MS);
    const arrived = hostUdp.since(floodMark);
    expect(arrived.length).toBeGreaterThan(0);
    expect(bytesOf(arrived)).toBeLessThan(bytesOf(flood) / 2);
    for (const datagram of arrived) {
      expect(datagram.port).toBe(hostRelay.port);
      expect(flood.some((sent) => sent.equals(datagram.data))).toBe(true);
    }
    expect(await relayDatagrams(orion, 'rate_limited')).toBeGreaterThan(0);
    expect(await relayDatagrams(orion, 'rate_limited')).toBe(flood.length - arrived.length);

    // Never more out than in: each side got at most what was sent to the relay for it.
    expect(bytesOf(hostUdp.since(hostMark))).toBeLessThanOrEqual(
      bytesOf(fromMember) + bytesOf(flood),
    );
    expect(memberUdp.since(memberMark)).toEqual([]);
    expect(await metricValue(orion, 'orion_relay_bytes_total')).toBe(
      bytesOf(hostUdp.since(hostMark)),
    );
  });

  it('aborts the mediation when the relay has no free ports, and frees every port it held', async () => {
    const orion = await harness.start(2);
    const party = await openParty(orion, harness.pool, ['Host', 'First', 'Second']);
    await reachPeersPhase(orion, party);
    const [host, first, second] = party.everyone;

    const { memberRelay: firstRelay } = await requestPairRelay(harness, first, host);
    expect(await relayGauges(orion)).toEqual({ sessions: 1, portsInUse: 2 });

    requestRelay(second, [host.name]);
    for (const peer of party.everyone) {
      expect(await peer.client.next('ptpMediation_aborted')).toEqual({
        abortReason: NO_FREE_PORTS,
      });
    }
    expect(second.client.all('ptpMediation_relay_allocated')).toEqual([]);
    expect(host.client.all('ptpMediation_relay_allocated')).toHaveLength(1);
    await waitUntil(
      async () => (await relayGauges(orion)).portsInUse === 0,
      'the ports are given back',
    );
    expect(await relayGauges(orion)).toEqual({ sessions: 0, portsInUse: 0 });
    expect(await metricValue(orion, 'orion_relay_allocations_refused_total')).toBe(1);
    expect(await relaySessionsEnded(orion, 'mediation_aborted')).toBe(1);

    // The aborted session forwards nothing any more.
    const udp = await harness.udp.open();
    await udp.send(bindFrame(first.client.token), firstRelay.port);
    await sleep(QUIET_MS);
    expect(udp.received).toEqual([]);

    // The lobby survives the abort; mediating again, the freed pair of ports is allocated.
    await reachPeersPhase(orion, party);
    requestRelay(first, [host.name]);
    const again = expectOneRelay(
      await first.client.next('ptpMediation_relay_allocated'),
      host.name,
      harness.relayPorts,
    );
    expect(portsOf(harness.relayPorts)).toContain(again.port);
    expect(await relayGauges(orion)).toEqual({ sessions: 1, portsInUse: 2 });
  });

  it('ends a session that relays nothing for relayIdleTimeoutMs, and not one that keeps relaying', async () => {
    const idleMs = 500;
    const orion = await harness.start(10, { relayIdleTimeoutMs: idleMs });
    const pair = await bindPair(harness, await allocatePair(harness));
    const { host, member, hostRelay, memberRelay, hostUdp, memberUdp } = pair;

    // Traffic every 100 ms for three idle timeouts keeps the session alive.
    const hostMark = hostUdp.received.length;
    const ticks = Math.ceil((3 * idleMs) / 100);
    for (let i = 0; i < ticks; i++) {
      await memberUdp.send(Buffer.from(`tick ${i}`), memberRelay.port);
      await sleep(100);
    }
    await hostUdp.waitForCount(ticks, 'every tick reaches the host', 2_000, hostMark);
    expect(await relayGauges(orion)).toEqual({ sessions: 1, portsInUse: 2 });
    await succeed([host, member]);

    // Then silence: the session ends and its ports stop forwarding.
    await waitUntil(
      async () => (await relayGauges(orion)).sessions === 0,
      'the idle session ends',
      idleMs + 3_000,
    );
    expect(await relayGauges(orion)).toEqual({ sessions: 0, portsInUse: 0 });
    expect(await relaySessionsEnded(orion, 'idle')).toBe(1);
    const afterIdle = hostUdp.received.length;
    const memberAfterIdle = memberUdp.received.length;
    await memberUdp.send(Buffer.from('after the end'), memberRelay.port);
    await hostUdp.send(Buffer.from('after the end'), hostRelay.port);
    await sleep(QUIET_MS);
    expect(hostUdp.since(afterIdle)).toEqual([]);
    expect(memberUdp.since(memberAfterIdle)).toEqual([]);
  });

  it('answers a repeated request for a relayed pair with the same allocation, from either side', async () => {
    const orion = await harness.start(10);
    const pair = await allocatePair(harness);
    const { host, member, hostRelay, memberRelay } = pair;

    // Each side asks again; whatever either is sent afterwards is that same allocation.
    for (const [asking, peer] of [
      [member, host],
      [host, member],
    ] as const) {
      await sleep(QUIET_MS);
      const mark = markOf(asking.client);
      requestRelay(asking, [peer.name]);
      const again = await nextSince(asking.client, 'ptpMediation_relay_allocated', mark);
      expect(again.relays).toEqual([asking === host ? hostRelay : memberRelay]);
    }
    await sleep(QUIET_MS);
    const sameFor = (peer: Peer, relay: RelayEntry) => {
      for (const allocated of peer.client.all('ptpMediation_relay_allocated')) {
        expect(allocated.relays).toEqual([relay]);
      }
    };
    sameFor(member, memberRelay);
    sameFor(host, hostRelay);
    expect(await relayGauges(orion)).toEqual({ sessions: 1, portsInUse: 2 });

    // The repeat is not a second session: the ports bound and relay as allocated.
    const { hostUdp, memberUdp } = await bindPair(harness, pair);
    const hostMark = hostUdp.received.length;
    await memberUdp.send(Buffer.from('still one pair'), memberRelay.port);
    await hostUdp.waitForCount(1, 'the datagram reaches the host', 2_000, hostMark);
    expectRelayed(hostUdp.since(hostMark), [Buffer.from('still one pair')], hostRelay.port);
  });

  it('drops relay requests before the peers phase, for unpaired peers, with a wrong token or a bad payload', async () => {
    const orion = await harness.start(10);
    const party = await openParty(orion, harness.pool, ['Host', 'First', 'Second']);
    const [host, first, second] = party.everyone;
    const outsider: Peer = { client: await harness.pool.connect(orion), name: 'Outsider' };
    const everyone = [...party.everyone, outsider];

    // Before any mediation, then during the UDP step (ptpMediation_send, no endpoints yet).
    requestRelay(first, [host.name]);
    await sleep(QUIET_MS);
    expect((await postStart(orion, host.client, party.lobbyId)).status).toBe(200);
    for (const peer of party.everyone) await peer.client.next('ptpMediation_send');
    requestRelay(first, [host.name]);
    requestRelay(host, [first.name, second.name]);
    await sleep(QUIET_MS);
    for (const peer of party.everyone) await peer.client.sendUdp(orion.udpPort);
    for (const peer of party.everyone) await peer.client.next('ptpMediation_peersConnection_start');
    expect(await relayGauges(orion)).toEqual({ sessions: 0, portsInUse: 0 });

    // In the peers phase: members are not paired with each other; tokens must be the
    // sender's own; payloads must be well formed; outsiders have no lobby.
    requestRelay(first, [second.name]);
    requestRelay(first, [host.name], 'not-a-token');
    requestRelay(first, [host.name], host.client.token);
    requestRelay(first, [host.name], second.client.token);
    first.client.send('ptpMediation_relay_request', { peerNames: [host.name] });
    requestRelay(first, []);
    requestRelay(first, host.name);
    requestRelay(first, ['Nobody']);
    requestRelay(first, [first.name]);
    requestRelay(first, [42]);
    requestRelay(
      first,
      Array.from({ length: 65 }, () => host.name),
    );
    requestRelay(outsider, [host.name]);
    requestRelay(outsider, [host.name], first.client.token);
    await sleep(QUIET_MS);
    for (const peer of everyone) {
      expect(peer.client.all('ptpMediation_relay_allocated')).toEqual([]);
      expect(peer.client.all('ptpMediation_aborted')).toEqual([]);
      expect(peer.client.isOpen).toBe(true);
    }
    expect(await relayGauges(orion)).toEqual({ sessions: 0, portsInUse: 0 });

    // The same member asking properly is served, so the requests above were judged, not lost.
    await requestPairRelay(harness, first, host);
    expect(second.client.all('ptpMediation_relay_allocated')).toEqual([]);
    await succeed(party.everyone);
  });
});

describe('relay and reconnection', () => {
  const harness = useRelayHarness();

  it('a member away while its pair was relayed gets the allocation again once it resumes, after its peer list', async () => {
    const orion = await harness.start(4, { reconnectGraceMs: 5_000 });
    const party = await openParty(orion, harness.pool, ['Host', 'Guest']);
    await reachPeersPhase(orion, party);
    const [host, member] = party.everyone;
    const hostMark = markOf(host.client);
    await dropConnection(member.client);
    await nextSince(host.client, 'lobby_peerAway', hostMark);

    requestRelay(host, [member.name]);
    const forHost = await nextSince(host.client, 'ptpMediation_relay_allocated', hostMark);
    expectOneRelay(forHost, member.name, harness.relayPorts);

    const { client, summary } = await resume(orion, harness.pool, member.client.token);
    expect(summary.mediation).toEqual({ phase: 'connecting' });
    const again = await client.next('ptpMediation_relay_allocated');
    const entry = expectOneRelay(again, host.name, harness.relayPorts);
    expect(entry.port).not.toBe(forHost.relays[0].port);
    const methods = client.methods;
    expect(methods.indexOf('ptpMediation_peersConnection_start')).toBeLessThan(
      methods.indexOf('ptpMediation_relay_allocated'),
    );
    // The resumed member binds its side: the pair is relayed.
    const memberUdp = await harness.udp.open();
    await bindRelay(memberUdp, member.client.token, entry.port);
    expect(await relayDatagrams(orion, 'bind')).toBeGreaterThanOrEqual(1);
  });
});
