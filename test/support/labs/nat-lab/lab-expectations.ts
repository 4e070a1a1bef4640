import { expect } from 'vitest';
import type { Player } from './lab-party.js';
import type { PeerEvent } from './peer-process.js';
import { SERVER_WAN_IP, type Home } from './topology.js';

interface Endpoint {
  name: string;
  ip: string;
  port: number;
}

/** Where a cone home is reachable from the internet: its router's WAN address and mapped port. */
export function publicEndpoint(player: Player): Endpoint {
  return { name: player.name, ip: player.home.routerWanIp, port: player.home.publicPort! };
}

const peersIn = (event: PeerEvent | undefined) => (event?.peers ?? []) as Endpoint[];

/** The peers list Orion sent this player (ptpMediation_peersConnection_start). */
export const peersFromOrion = (player: Player) =>
  peersIn(player.peer.eventsOf('peersFromOrion')[0]);

/** The peers list mediate() resolved with. */
export const mediatedPeers = (player: Player) => peersIn(player.peer.eventsOf('mediated')[0]);

/**
 * Orion saw the home's game socket behind its NAT: the router's address and the rewritten port,
 * neither of which is the socket's own local address or port.
 */
export function expectRewrittenEndpoint(reported: Endpoint, home: Home): void {
  expect(reported.ip).not.toBe(home.homeIp);
  expect(reported.port).not.toBe(home.localPort);
  expect(reported).toMatchObject({ ip: home.routerWanIp, port: home.publicPort });
}

/**
 * `receiver` got all of `sender`'s game datagrams (requests and the acks to its own requests),
 * each arriving straight from the sender's public endpoint and none from the server.
 */
export function expectDirectGameTraffic(receiver: Player, sender: Player, datagrams: number): void {
  const { ip, port } = publicEndpoint(sender);
  expectGameTraffic(receiver, sender, datagrams, `${ip}:${port}`);
}

/** The names mediate() said it reached through the relay. */
export const relayedPeers = (player: Player) =>
  (player.peer.eventsOf('mediated')[0]?.relayed ?? []) as string[];

/**
 * `receiver` got all of `sender`'s game datagrams through the relay: each from the relay
 * endpoint mediate() gave `receiver` for `sender`, a port of the server's relay range.
 */
export function expectRelayedGameTraffic(
  receiver: Player,
  sender: Player,
  datagrams: number,
  relayPorts: { first: number; last: number },
): void {
  const relay = mediatedPeers(receiver).find((peer) => peer.name === sender.name);
  expect(relay, `${receiver.name} has an endpoint for ${sender.name}`).toBeDefined();
  expect(relay!.ip).toBe(SERVER_WAN_IP);
  expect(relay!.port).toBeGreaterThanOrEqual(relayPorts.first);
  expect(relay!.port).toBeLessThanOrEqual(relayPorts.last);
  expectGameTraffic(receiver, sender, datagrams, `${relay!.ip}:${relay!.port}`);
}

function expectGameTraffic(receiver: Player, sender: Player, datagrams: number, from: string) {
  const fromSender = receiver.peer
    .eventsOf('datagram')
    .filter((e) => (e.text as string).startsWith(`game:${sender.name}->${receiver.name}:`));
  const texts = new Set(fromSender.map((e) => e.text));
  for (let i = 0; i < datagrams; i++) {
    expect(texts, `${receiver.name} got request ${i} from ${sender.name}`).toContain(
      `game:${sender.name}->${receiver.name}:${i}`,
    );
    expect(texts, `${receiver.name} got ack ${i} from ${sender.name}`).toContain(
      `game:${sender.name}->${receiver.name}:${i}:ack`,
    );
  }
  for (const event of fromSender) expect(event.from).toBe(from);
}

/** Every game datagram `receiver` got came from one of `senders`' public endpoints: none via Orion. */
export function expectGameOnlyFrom(receiver: Player, senders: Player[]): void {
  const allowed = senders.map((sender) => `${sender.home.routerWanIp}:${sender.home.publicPort}`);
  const sources = new Set(receiver.peer.eventsOf('datagram').map((e) => e.from as string));
  expect(sources.size).toBeGreaterThan(0);
  for (const source of sources) {
    expect(source.startsWith(`${SERVER_WAN_IP}:`), `${source} is the server`).toBe(false);
    expect(allowed).toContain(source);
  }
}

/** The peer ran to a clean end: mediation succeeded and every exchange completed. */
export function expectSucceeded(player: Player): void {
  expect(player.exitCode, `${player.name}: ${player.peer.describe()}`).toBe(0);
  expect(player.peer.eventsOf('done')).toHaveLength(1);
}
