import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OrionProcess } from './support/orion/orion-process.js';
import {
  installCounters,
  payloadMatchWorks,
  readCounters,
  zeroCounters,
  type Counts,
} from './support/labs/nat-lab/counters.js';
import { labNamespaces, removeStaleLabNamespaces } from './support/labs/nat-lab/lab-names.js';
import {
  expectDirectGameTraffic,
  expectGameOnlyFrom,
  expectRewrittenEndpoint,
  expectSucceeded,
  mediatedPeers,
  peersFromOrion,
  publicEndpoint,
} from './support/labs/nat-lab/lab-expectations.js';
import {
  LAB_TIMERS,
  ORION_UDP_PORT,
  startOrionIn,
  stopOrion,
} from './support/labs/nat-lab/lab-orion.js';
import { playParty, type PartyTiming, type Player } from './support/labs/nat-lab/lab-party.js';
import { natLabUnavailableReason } from './support/labs/nat-lab/lab-requirements.js';
import { PeerPool } from './support/labs/nat-lab/peer-process.js';
import { serverCounters } from './support/labs/nat-lab/server-counters.js';
import { NatLab } from './support/labs/nat-lab/topology.js';
import { failIfRequired } from './support/labs/required-labs.js';

/**
 * Real UDP hole punching through Orion, between SDK clients behind Linux NAT routers in network
 * namespaces (see test/support/labs/nat-lab/topology.ts for the sketch of the network).
 */
const unavailable = natLabUnavailableReason();
if (unavailable) console.warn(`NAT lab skipped: ${unavailable}.`);
failIfRequired('The NAT lab', unavailable);

const TIMING: PartyTiming = {
  punchTimeoutMs: 2_000,
  abortWaitMs: LAB_TIMERS.ptpmConnectTimeoutMs,
  runTimeoutMs: 12_000,
  datagrams: 5,
};

describe.skipIf(unavailable !== undefined)('UDP hole punching through real NATs', () => {
  let lab: NatLab | undefined;
  let orion: OrionProcess | undefined;
  let payloadCounters = false;
  const peers = new PeerPool();

  beforeAll(async () => {
    const stale = await removeStaleLabNamespaces();
    if (stale.length > 0) console.warn(`NAT lab: removed namespaces of crashed runs: ${stale}`);
    lab = await NatLab.create();
    payloadCounters = await payloadMatchWorks(lab.serverNs);
    if (!payloadCounters) {
      console.warn('NAT lab: no iptables string match; the server is checked by port counts only.');
    }
    await installCounters(lab.serverNs, serverCounters(ORION_UDP_PORT, payloadCounters));
    orion = startOrionIn(lab.serverNs);
    await orion.ready(15_000);
  }, 30_000);

  beforeEach(async () => zeroCounters(lab!.serverNs));

  afterEach(async () => {
    await peers.killAll();
    await lab?.removeHomes();
  });

  afterAll(async () => {
    await peers.killAll();
    await stopOrion(orion);
    const prefix = lab?.prefix;
    await lab?.destroy();
    if (prefix) expect(await labNamespaces(prefix)).toEqual([]);
  }, 20_000);

  /** Counters of everything that reached the server's namespace over UDP during this test. */
  const serverCounts = () => readCounters(lab!.serverNs, ['INPUT']);

  /**
   * Orion received the players' ptpMediation_connect datagrams on its port (one each, plus at
   * most a reminder's worth) and nothing else: no punch frame, no game datagram.
   */
  function expectServerSawOnlyConnects(counts: Counts, players: number): void {
    expect(counts['orion-udp']).toBeGreaterThanOrEqual(players);
    expect(counts['orion-udp']).toBeLessThanOrEqual(2 * players);
    expect(counts['other-udp']).toBe(0);
    if (payloadCounters) {
      expect(counts.connect).toBe(counts['orion-udp']);
      expect(counts.game).toBe(0);
      expect(counts.punch).toBe(0);
    }
  }

  async function expectRouterCarriedPunchAndGame(player: Player): Promise<Counts> {
    const counts = await lab!.routerCounts(player.home);
    if (payloadCounters) {
      expect(counts['punch-in'], `${player.name}'s router let punches in`).toBeGreaterThan(0);
      expect(counts['game-in']).toBeGreaterThanOrEqual(2 * TIMING.datagrams);
      expect(counts['game-out']).toBeGreaterThanOrEqual(2 * TIMING.datagrams);
    }
    return counts;
  }

  it('two peers behind two different cone NATs punch through and exchange game datagrams', async () => {
    const { host, members } = await playParty(
      lab!,
      peers,
      ['cone', 'cone'],
      TIMING,
      payloadCounters,
    );
    const [member] = members;
    expectSucceeded(host);
    expectSucceeded(member);

    // Orion reported each player's NAT mapping, not its LAN socket, and that mapping worked.
    const [memberAsSeen] = peersFromOrion(host);
    const [hostAsSeen] = peersFromOrion(member);
    expectRewrittenEndpoint(memberAsSeen, member.home);
    expectRewrittenEndpoint(hostAsSeen, host.home);
    expect(mediatedPeers(host)).toEqual([publicEndpoint(member)]);
    expect(mediatedPeers(member)).toEqual([publicEndpoint(host)]);

    expectDirectGameTraffic(host, member, TIMING.datagrams);
    expectDirectGameTraffic(member, host, TIMING.datagrams);
    expectGameOnlyFrom(host, [member]);
    expectGameOnlyFrom(member, [host]);

    const server = await serverCounts();
    expectServerSawOnlyConnects(server, 2);
    const routers = [
      await expectRouterCarriedPunchAndGame(host),
      await expectRouterCarriedPunchAndGame(member),
    ];
    console.log('NAT lab, cone pair counters:', JSON.stringify({ server, routers }));
  }, 30_000);

  it('a host and three members, each behind its own cone NAT, all reach the host', async () => {
    const kinds = ['cone', 'cone', 'cone', 'cone'] as const;
    const { host, members } = await playParty(lab!, peers, [...kinds], TIMING, payloadCounters);
    for (const player of [host, ...members]) expectSucceeded(player);

    // The host gets every member in join order; each member gets only the host.
    const seenByHost = peersFromOrion(host);
    expect(seenByHost.map((p) => p.name)).toEqual(['m1', 'm2', 'm3']);
    members.forEach((member, i) => expectRewrittenEndpoint(seenByHost[i], member.home));
    expect(mediatedPeers(host)).toEqual(members.map(publicEndpoint));

    for (const member of members) {
      expectRewrittenEndpoint(peersFromOrion(member)[0], host.home);
      expect(mediatedPeers(member)).toEqual([publicEndpoint(host)]);
      expectDirectGameTraffic(host, member, TIMING.datagrams);
      expectDirectGameTraffic(member, host, TIMING.datagrams);
      expectGameOnlyFrom(member, [host]);
    }
    expectGameOnlyFrom(host, members);

    const server = await serverCounts();
    expectServerSawOnlyConnects(server, 4);
    const routers = [];
    for (const player of [host, ...members])
      routers.push(await expectRouterCarriedPunchAndGame(player));
    console.log('NAT lab, host and 3 members counters:', JSON.stringify({ server, routers }));
  }, 30_000);

  it('two peers behind symmetric NATs fail to punch: PunchFailedError, then the server aborts', async () => {
    const { host, members } = await playParty(
      lab!,
      peers,
      ['symmetric', 'symmetric'],
      TIMING,
      payloadCounters,
    );
    const [member] = members;
    for (const [player, other] of [
      [host, member],
      [member, host],
    ] as const) {
      expect(player.exitCode, `${player.name}: ${player.peer.describe()}`).toBe(2);
      // Orion saw the router's address (the port is random, so only the address is known).
      expect(peersFromOrion(player)).toMatchObject([
        { name: other.name, ip: other.home.routerWanIp },
      ]);
      const [failure] = player.peer.eventsOf('mediationFailed');
      expect(failure).toMatchObject({
        errorClass: 'PunchFailedError',
        unreachable: [{ name: other.name, ip: other.home.routerWanIp }],
      });
      expect(failure.message).toContain(other.name);
      // The SDK's own punch timeout gave up, before the server's connect timeout could.
      expect(failure.elapsedMs).toBeGreaterThanOrEqual(TIMING.punchTimeoutMs - 50);
      expect(failure.elapsedMs).toBeLessThan(LAB_TIMERS.ptpmConnectTimeoutMs);
      expect(player.peer.eventsOf('mediated')).toEqual([]);
      expect(player.peer.eventsOf('datagram')).toEqual([]);
      // No one reported success, so the server ended the mediation with its connect timeout.
      expect(player.peer.eventsOf('aborted')).toEqual([
        { event: 'aborted', reason: expect.stringContaining('connect to its peers') },
      ]);
    }

    const server = await serverCounts();
    expectServerSawOnlyConnects(server, 2);
    const routers = [];
    for (const player of [host, member]) {
      const counts = await lab!.routerCounts(player.home);
      // Punches left each home, and every one that came back was dropped at the router.
      expect(counts['unsolicited-udp-dropped']).toBeGreaterThan(0);
      if (payloadCounters) {
        expect(counts['punch-out']).toBeGreaterThan(0);
        expect(counts['punch-in']).toBe(0);
      }
      routers.push(counts);
    }
    console.log('NAT lab, symmetric pair counters:', JSON.stringify({ server, routers }));
  }, 30_000);
});
