import { afterEach, expect } from 'vitest';
import { decodeFrame, encodeFrame, RELAY_BIND_METHOD, RELAY_BOUND_METHOD } from '@orion/protocol';
import type { OrionSettings } from '../../../src/config/orion-config.js';
import { markOf, nextSince } from '../clients/received.js';
import {
  ClientPool,
  endpointOf,
  expectPeers,
  openParty,
  postStart,
  type Party,
  type Peer,
} from '../flows/mediation-flows.js';
import { metricValue } from '../orion/metrics.js';
import { startOrion, type OrionTestApp } from '../orion/orion-test-app.js';
import { SeededRandom } from '../seeded-random.js';
import { sleep } from '../timing.js';
import { freePortRange, portsOf } from './free-port-range.js';
import { UdpEndpoint, UdpEndpointPool, type Datagram } from './udp-endpoint.js';

/** One entry of `ptpMediation_relay_allocated.relays`. */
export interface RelayEntry {
  peerName: string;
  ip: string;
  port: number;
}

/** How long a test waits to be sure that something did NOT happen. */
export const QUIET_MS = 300;

/** A server for one test, with the clients and UDP sockets it opened; all closed afterEach. */
export interface RelayHarness {
  orion: OrionTestApp;
  /** The relay's `first-last` range (empty with the relay off). */
  relayPorts: string;
  pool: ClientPool;
  udp: UdpEndpointPool;
  /**
   * Boots Orion with the relay on `relayPortCount` free ports (0: relay off) on 127.0.0.1,
   * a peers phase long enough for a test's relaying, and `settings` on top.
   */
  start(relayPortCount: number, settings?: Partial<OrionSettings>): Promise<OrionTestApp>;
}

export function useRelayHarness(): RelayHarness {
  let orion: OrionTestApp | undefined;
  const harness: RelayHarness = {
    get orion(): OrionTestApp {
      if (!orion) throw new Error('start() the server first');
      return orion;
    },
    relayPorts: '',
    pool: new ClientPool(),
    udp: new UdpEndpointPool(),
    async start(relayPortCount, settings = {}) {
      harness.relayPorts = relayPortCount > 0 ? await freePortRange(relayPortCount) : '';
      const relay: Partial<OrionSettings> =
        relayPortCount > 0 ? { relayPorts: harness.relayPorts, relayHost: '127.0.0.1' } : {};
      orion = await startOrion({ ptpmConnectTimeoutMs: 10_000, ...relay, ...settings });
      return orion;
    },
  };
  afterEach(async () => {
    harness.udp.closeAll();
    await harness.pool.closeAll();
    await orion?.close();
    orion = undefined;
  });
  return harness;
}

/** Runs `ptp/start` and the UDP step until every peer got `ptpMediation_peersConnection_start`. */
export async function reachPeersPhase(orion: OrionTestApp, party: Party): Promise<void> {
  const marks = new Map(party.everyone.map((peer) => [peer, markOf(peer.client)]));
  expect((await postStart(orion, party.host.client, party.lobbyId)).status).toBe(200);
  for (const peer of party.everyone) {
    await nextSince(peer.client, 'ptpMediation_send', marks.get(peer)!);
  }
  for (const peer of party.everyone) await peer.client.sendUdp(orion.udpPort);
  const hostStart = await nextSince(
    party.host.client,
    'ptpMediation_peersConnection_start',
    marks.get(party.host)!,
  );
  expectPeers(hostStart.peers, await Promise.all(party.members.map(endpointOf)));
  for (const member of party.members) {
    await nextSince(member.client, 'ptpMediation_peersConnection_start', marks.get(member)!);
  }
}

/** Sends `ptpMediation_relay_request` over the peer's WebSocket. */
export function requestRelay(peer: Peer, peerNames: unknown, token: unknown = peer.client.token) {
  peer.client.send('ptpMediation_relay_request', { token, peerNames });
}

/** Expects an allocation holding exactly one entry, for `peerName`, on 127.0.0.1 in `range`. */
export function expectOneRelay(
  allocated: { relays: RelayEntry[] },
  peerName: string,
  range: string,
): RelayEntry {
  expect(Object.keys(allocated)).toEqual(['relays']);
  expect(allocated.relays).toHaveLength(1);
  const [entry] = allocated.relays;
  expect(Object.keys(entry).sort()).toEqual(['ip', 'peerName', 'port']);
  expect(entry.peerName).toBe(peerName);
  expect(entry.ip).toBe('127.0.0.1');
  expect(portsOf(range)).toContain(entry.port);
  return entry;
}

/** A host and one member in the peers phase, each told the relay endpoint for the other. */
export interface AllocatedPair {
  party: Party;
  host: Peer;
  member: Peer;
  /** The endpoint the host was given for the member, and the member for the host. */
  hostRelay: RelayEntry;
  memberRelay: RelayEntry;
}

/** Opens a lobby of two, reaches the peers phase, and has the member ask for a relay. */
export async function allocatePair(
  harness: RelayHarness,
  names: [string, string] = ['Host', 'Guest'],
): Promise<AllocatedPair> {
  const party = await openParty(harness.orion, harness.pool, names);
  await reachPeersPhase(harness.orion, party);
  const [host, member] = party.everyone;
  const { memberRelay, hostRelay } = await requestPairRelay(harness, member, host);
  return { party, host, member, hostRelay, memberRelay };
}

/**
 * `member` asks to relay its pair with `host`: both get one allocation, each a port of its
 * own in the relay range.
 */
export async function requestPairRelay(
  harness: RelayHarness,
  member: Peer,
  host: Peer,
): Promise<{ memberRelay: RelayEntry; hostRelay: RelayEntry }> {
  requestRelay(member, [host.name]);
  const memberRelay = expectOneRelay(
    await member.client.next('ptpMediation_relay_allocated'),
    host.name,
    harness.relayPorts,
  );
  const hostRelay = expectOneRelay(
    await host.client.next('ptpMediation_relay_allocated'),
    member.name,
    harness.relayPorts,
  );
  expect(hostRelay.port).not.toBe(memberRelay.port);
  return { memberRelay, hostRelay };
}

export const bindFrame = (token: string): string => encodeFrame(RELAY_BIND_METHOD, { token });

/** Is `datagram` a `ptpMediation_relay_bound` sent from relay port `port`? */
export function isBoundReply(datagram: Datagram, port: number): boolean {
  const frame = decodeFrame(datagram.data.toString('utf8'));
  return datagram.port === port && frame?.method === RELAY_BOUND_METHOD;
}

/**
 * Sends `ptpMediation_relay_bind` from `endpoint` to relay port `port`, repeating as a
 * client would until the answer comes; returns the answer.
 */
export async function bindRelay(
  endpoint: UdpEndpoint,
  token: string,
  port: number,
  timeoutMs = 2_000,
): Promise<Datagram> {
  const mark = endpoint.received.length;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await endpoint.send(bindFrame(token), port);
    for (let waited = 0; waited < 100; waited += 10) {
      const bound = endpoint.since(mark).find((datagram) => isBoundReply(datagram, port));
      if (bound) return bound;
      await sleep(10);
    }
  }
  throw new Error(`no ${RELAY_BOUND_METHOD} from relay port ${port} within ${timeoutMs} ms`);
}

/** An allocated pair whose sides have each bound a fresh UDP socket to their relay port. */
export interface RelayedPair extends AllocatedPair {
  hostUdp: UdpEndpoint;
  memberUdp: UdpEndpoint;
}

export async function bindPair(harness: RelayHarness, pair: AllocatedPair): Promise<RelayedPair> {
  const hostUdp = await harness.udp.open();
  const memberUdp = await harness.udp.open();
  await bindRelay(hostUdp, pair.host.client.token, pair.hostRelay.port);
  await bindRelay(memberUdp, pair.member.client.token, pair.memberRelay.port);
  return { ...pair, hostUdp, memberUdp };
}

/**
 * `count` game datagrams, each unique: binary ones of 1 to 1200 bytes (the first exactly
 * 1200) and one text frame like the SDK's punch hello, which the relay must pass on as is.
 */
export function gameDatagrams(count: number, seed: number): Buffer[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, (_, index) => {
    if (index === 1) return Buffer.from(encodeFrame('orionPunch_hello', { seed, index }));
    const data = random.bytes(index === 0 ? 1_200 : random.int(2, 1_200));
    data.writeUInt16BE(index, 0);
    return data;
  });
}

/** Sends the datagrams one after another from `endpoint` to `port`. */
export async function sendAll(endpoint: UdpEndpoint, datagrams: Buffer[], port: number) {
  for (const datagram of datagrams) await endpoint.send(datagram, port);
}

/** Total size of some datagrams. */
export const bytesOf = (datagrams: (Buffer | Datagram)[]): number =>
  datagrams.reduce((sum, d) => sum + (Buffer.isBuffer(d) ? d : d.data).length, 0);

/** Expects `received` to be exactly `sent` (in any order), all from 127.0.0.1:`port`. */
export function expectRelayed(received: Datagram[], sent: Buffer[], port: number): void {
  for (const datagram of received) {
    expect({ address: datagram.address, port: datagram.port }).toEqual({
      address: '127.0.0.1',
      port,
    });
  }
  const hex = (list: Buffer[]) => list.map((data) => data.toString('hex')).sort();
  expect(received).toHaveLength(sent.length);
  expect(hex(received.map((datagram) => datagram.data))).toEqual(hex(sent));
}

export type RelayDatagramResult =
  'relayed' | 'bind' | 'stranger' | 'wrong_member' | 'peer_unbound' | 'rate_limited' | 'malformed';

export const relayDatagrams = (orion: OrionTestApp, result: RelayDatagramResult) =>
  metricValue(orion, `orion_relay_datagrams_total{result="${result}"}`);

/** The relay's gauges: pairs relayed now, ports taken now. */
export async function relayGauges(orion: OrionTestApp) {
  return {
    sessions: await metricValue(orion, 'orion_relay_sessions'),
    portsInUse: await metricValue(orion, 'orion_relay_ports_in_use'),
  };
}

export const relaySessionsEnded = (orion: OrionTestApp, reason: string) =>
  metricValue(orion, `orion_relay_sessions_total{reason="${reason}"}`);
