import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OrionProcess } from './support/orion/orion-process.js';
import {
  installCounters,
  payloadMatchWorks,
  readCounters,
  zeroCounters,
  type Counts,
} from './support/labs/nat-lab/counters.js';
import { playSdkHostWithCsMember } from './support/labs/nat-lab/cs-lab-party.js';
import type { CsPeerProcess } from './support/labs/nat-lab/cs-peer-process.js';
import { labNamespaces, removeStaleLabNamespaces } from './support/labs/nat-lab/lab-names.js';
import {
  expectDirectGameTraffic,
  expectGameOnlyFrom,
  expectRelayedGameTraffic,
  expectRewrittenEndpoint,
  expectSucceeded,
  mediatedPeers,
  peersFromOrion,
  publicEndpoint,
  relayedPeers,
} from './support/labs/nat-lab/lab-expectations.js';
import {
  LAB_TIMERS,
  ORION_UDP_PORT,
  RELAY_PORTS,
  startOrionIn,
  stopOrion,
} from './support/labs/nat-lab/lab-orion.js';
import { playParty, type PartyTiming, type Player } from './support/labs/nat-lab/lab-party.js';
import { natLabUnavailableReason } from './support/labs/nat-lab/lab-requirements.js';
import { PeerPool } from './support/labs/nat-lab/peer-process.js';
import { serverCounters } from './support/labs/nat-lab/server-counters.js';
import { NatLab } from './support/labs/nat-lab/topology.js';
import { failIfRequired } from './support/labs/required-labs.js';
import { UnityBuild, unityUnavailableReason } from './support/unity/unity-driver.js';

/**
 * Real UDP hole punching through Orion, between SDK clients behind Linux NAT routers in network
 * namespaces (see test/support/labs/nat-lab/topology.ts for the sketch of the network).
 */
const unavailable = natLabUnavailableReason();
if (unavailable) console.warn(`NAT lab skipped: ${unavailable}.`);
failIfRequired('The NAT lab', unavailable);
/** The C# peer's case needs mcs and mono as well (Debian: apt-get install -y mono-mcs). */
const noMono = unavailable ? undefined : unityUnavailableReason();
if (noMono) console.warn(`NAT lab: the C# peer's case skipped: ${noMono}.`);
failIfRequired("The NAT lab's C# peer", noMono);

const TIMING: PartyTiming = {
  punchTimeoutMs: 2_000,
  abortWaitMs: LAB_TIMERS.ptpmConnectTimeoutMs,
  runTimeoutMs: 12_000,
  datagrams: 5,
};
/** With the relay to fall back to: ask after 1 s of silence, and leave time for the relay. */
const RELAY_TIMING: PartyTiming = { ...TIMING, relayAfterMs: 1_000, punchTimeoutMs: 3_500 };

describe.skipIf(unavailable !== undefined)('UDP hole punching through real NATs', () => {
  let lab: NatLab | undefined;
  let orion: OrionProcess | undefined;
  let payloadCounters = false;
  const peers = new PeerPool();
  const csPeers: CsPeerProcess[] = [];

  beforeAll(async () => {
    const stale = await removeStaleLabNamespaces();
    if (stale.length > 0) console.warn(`NAT lab: removed namespaces of crashed runs: ${stale}`);
    lab = await NatLab.create();
    payloadCounters = await payloadMatchWorks(lab.serverNs);
    if (!payloadCounters) {
      console.warn('NAT lab: no iptables string match; the server is checked by port counts only.');
    }
    await installCounters(
      lab.serverNs,
      serverCounters(ORION_UDP_PORT, RELAY_PORTS, payloadCounters),
    );
    orion = startOrionIn(lab.serverNs);
    await orion.ready(15_000);
  }, 30_000);

  beforeEach(async () => zeroCounters(lab!.serverNs));

  afterEach(async () => {
    await peers.killAll();
    await Promise.all(csPeers.splice(0).map((peer) => peer.kill()));
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
  const serverBytes = () => readCounters(lab!.serverNs, ['INPUT'], 'bytes');

  /**
   * Orion received the players' ptpMediation_connect datagrams on its port (one each, plus at
   * most a reminder's worth) and nothing else: no punch frame, no game datagram.
   */
  function expectServerSawOnlyConnects(counts: Counts, players: number): void {
    expect(counts['orion-udp']).toBeGreaterThanOrEqual(players);
    expect(counts['orion-udp']).toBeLessThanOrEqual(2 * players);
    expect(counts['relay-udp']).toBe(0);
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

  it.skipIf(noMono !== undefined)(
    'a C# (Unity) member and an SDK host, each behind its own cone NAT, punch through and exchange game datagrams',
    async () => {
      const build = new UnityBuild();
      try {
        build.compile();
        const { host, member } = await playSdkHostWithCsMember(
          lab!,
          peers,
          build,
          ['cone', 'cone'],
          TIMING,
          payloadCounters,
          csPeers,
        );
        expectSucceeded(host);
        expectSucceeded(member);

        // The C# client answered ptpMediation_send from its game socket: Orion saw its NAT mapping.
        expectRewrittenEndpoint(peersFromOrion(host)[0], member.home);
        expectRewrittenEndpoint(peersFromOrion(member)[0], host.home);
        expect(mediatedPeers(host)).toEqual([publicEndpoint(member)]);
        expect(mediatedPeers(member)).toEqual([publicEndpoint(host)]);
        expect(relayedPeers(host)).toEqual([]);
        expect(relayedPeers(member)).toEqual([]);

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
        console.log(
          'NAT lab, SDK host and C# member counters:',
          JSON.stringify({ server, routers }),
        );
      } finally {
        build.remove();
      }
    },
    60_000,
  );

  /**
   * The relay carried the pairs that could not punch: binds, hellos and `relayedGame` game
   * datagrams (requests and acks, both ways) came in on its ports, and on Orion's own port
   * nothing but connects. Returns the counts and bytes for the closing log line.
   */
  async function expectServerRelayed(players: number, relayedGame: number) {
    const counts = await serverCounts();
    const bytes = await serverBytes();
    expect(counts['orion-udp']).toBeGreaterThanOrEqual(players);
    expect(counts['orion-udp']).toBeLessThanOrEqual(2 * players);
    expect(counts['relay-udp']).toBeGreaterThan(0);
    expect(counts['other-udp']).toBe(0);
    if (payloadCounters) {
      expect(counts.connect).toBe(counts['orion-udp']);
      expect(counts['relay-bind']).toBeGreaterThan(0);
      expect(counts.game).toBeGreaterThanOrEqual(relayedGame);
      // Everything on the relay ports was a bind, a hello or a game datagram.
      expect(counts['relay-bind'] + counts.punch + counts.game).toBe(counts['relay-udp']);
    }
    return { packets: counts, bytes };
  }

  it('two peers behind symmetric NATs punch in vain, fall back to the relay, and play through it', async () => {
    const { host, members } = await playParty(
      lab!,
      peers,
      ['symmetric', 'symmetric'],
      RELAY_TIMING,
      payloadCounters,
    );
    const [member] = members;
    expectSucceeded(host);
    expectSucceeded(member);
    expect(relayedPeers(host)).toEqual(['m1']);
    expect(relayedPeers(member)).toEqual(['host']);
    expectRelayedGameTraffic(host, member, TIMING.datagrams, RELAY_PORTS);
    expectRelayedGameTraffic(member, host, TIMING.datagrams, RELAY_PORTS);
    // The two sides were given different relay ports: each its own.
    expect(mediatedPeers(host)[0].port).not.toBe(mediatedPeers(member)[0].port);

    // Requests and acks, both ways: 4 per datagram number at least.
    const server = await expectServerRelayed(2, 4 * TIMING.datagrams);
    console.log('NAT lab, symmetric pair through the relay:', JSON.stringify(server));
  }, 30_000);

  it('a host behind a symmetric NAT with two cone members: every pair relayed, all complete', async () => {
    const { host, members } = await playParty(
      lab!,
      peers,
      ['symmetric', 'cone', 'cone'],
      RELAY_TIMING,
      payloadCounters,
    );
    for (const player of [host, ...members]) expectSucceeded(player);
    expect(relayedPeers(host)).toEqual(['m1', 'm2']);
    for (const member of members) {
      expect(relayedPeers(member)).toEqual(['host']);
      expectRelayedGameTraffic(host, member, TIMING.datagrams, RELAY_PORTS);
      expectRelayedGameTraffic(member, host, TIMING.datagrams, RELAY_PORTS);
    }
    const server = await expectServerRelayed(3, 2 * 4 * TIMING.datagrams);
    if (payloadCounters) expect(server.packets['game-from-m1']).toBeGreaterThan(0);
    console.log('NAT lab, symmetric host and 2 cone members:', JSON.stringify(server));
  }, 30_000);

  it('a cone host with a cone and a symmetric member: only the pair that needs it is relayed', async () => {
    const { host, members } = await playParty(
      lab!,
      peers,
      ['cone', 'cone', 'symmetric'],
      RELAY_TIMING,
      payloadCounters,
    );
    const [coneMember, symmetricMember] = members;
    for (const player of [host, ...members]) expectSucceeded(player);
    expect(relayedPeers(host)).toEqual(['m2']);
    expect(relayedPeers(coneMember)).toEqual([]);
    expect(relayedPeers(symmetricMember)).toEqual(['host']);
    expectDirectGameTraffic(host, coneMember, TIMING.datagrams);
    expectDirectGameTraffic(coneMember, host, TIMING.datagrams);
    expectGameOnlyFrom(coneMember, [host]);
    expectRelayedGameTraffic(host, symmetricMember, TIMING.datagrams, RELAY_PORTS);
    expectRelayedGameTraffic(symmetricMember, host, TIMING.datagrams, RELAY_PORTS);
    const server = await expectServerRelayed(3, 4 * TIMING.datagrams);
    if (payloadCounters) {
      // The punched pair's game datagrams never reached the server; the relayed pair's did.
      expect(server.packets['game-from-m1']).toBe(0);
      expect(server.packets['game-to-m1']).toBe(0);
    }
    console.log('NAT lab, cone host, cone and symmetric members:', JSON.stringify(server));
  }, 30_000);

  it("two peers behind symmetric NATs with relay: 'off' fail to punch: PunchFailedError, then the server aborts", async () => {
    const { host, members } = await playParty(
      lab!,
      peers,
      ['symmetric', 'symmetric'],
      { ...TIMING, relay: 'off' },
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
