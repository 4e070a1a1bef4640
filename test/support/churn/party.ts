import { expect } from 'vitest';
import type { Party, Peer } from '../flows/mediation-flows.js';
import { markOf } from '../clients/received.js';
import type { OrionTestApp } from '../orion/orion-test-app.js';
import type { SeededRandom } from '../seeded-random.js';
import { sleep } from '../timing.js';
import { messageSince, messagesSince, type ChurnClients, type Departure } from './clients.js';
import { postJson } from './net.js';

/** What the churn saw happen, for the summary line. */
export class ChurnTally {
  lobbies = 0;
  mediations = 0;
  succeeded = 0;
  /** Mediations whose members heard `ptpMediation_aborted` (a member left, or a timeout). */
  aborted = 0;
  /** Mediations ended silently because the host left and the lobby closed. */
  closedByHost = 0;
}

export interface ChurnContext {
  orion: OrionTestApp;
  clients: ChurnClients;
  tally: ChurnTally;
}

export type Marks = Map<Peer, number>;

export const marksOf = (peers: readonly Peer[]): Marks =>
  new Map(peers.map((peer) => [peer, markOf(peer.client)]));

export const departureOf = (rng: SeededRandom): Departure => (rng.chance(0.5) ? 'vanish' : 'close');

/**
 * Connects `size` clients; the first hosts a new lobby with room for `extraSeats` more,
 * the rest join it at once, in no particular order.
 */
export async function formParty(
  ctx: ChurnContext,
  rng: SeededRandom,
  size: number,
  extraSeats = rng.int(0, 2),
): Promise<Party> {
  const isPublic = rng.chance(0.5);
  const lowerCaseJoins = rng.chance(0.2);
  const clients = await Promise.all(Array.from({ length: size }, () => ctx.clients.connect()));
  const host: Peer = { client: clients[0], name: 'Host' };
  const lobbyName = `Churn ${rng.int(0, 99_999)}`;
  const created = await postJson(ctx.orion.httpUrl, '/lobbies', {
    token: host.client.token,
    hostName: host.name,
    lobbyName,
    isPublic,
    maxMembers: size + extraSeats,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  ctx.tally.lobbies++;
  const lobbyId = created.body.lobbyId as string;
  const joinPath = `/lobbies/${lowerCaseJoins ? lobbyId.toLowerCase() : lobbyId}/join`;
  const members = clients.slice(1).map((client, index) => ({ client, name: `Peer${index + 1}` }));
  await Promise.all(
    members.map(async (member) => {
      const joined = await postJson(ctx.orion.httpUrl, joinPath, {
        token: member.client.token,
        peerName: member.name,
      });
      expect(joined.status, JSON.stringify(joined.body)).toBe(200);
      expect(joined.body.lobbyId).toBe(lobbyId);
      expect(joined.body.host).toBe(host.name);
      expect(joined.body.lobbyMembers).toContain(member.name);
    }),
  );
  // The host hears of every member, whatever order they got in.
  const connects = await messagesSince(host.client, 'lobby_peerConnect', 0, members.length);
  expect(connects.map((connect) => connect.peerName).sort()).toEqual(
    members.map((member) => member.name).sort(),
  );
  return { lobbyId, lobbyName, host, members, everyone: [host, ...members] };
}

/** Up to three members chat; everyone, senders included, receives every message. */
export async function chat(ctx: ChurnContext, rng: SeededRandom, party: Party): Promise<void> {
  const senders = rng.shuffle(party.everyone).slice(0, rng.int(1, 3));
  const marks = marksOf(party.everyone);
  const sent = senders.map((sender, index) => {
    const message = `hello ${index} from ${sender.name}`;
    sender.client.send('lobby_messaging_send', {
      token: sender.client.token,
      lobbyId: party.lobbyId,
      message,
    });
    return `${sender.name}: ${message}`;
  });
  await Promise.all(
    party.everyone.map(async (peer) => {
      const got = await messagesSince(
        peer.client,
        'lobby_messaging_received',
        marks.get(peer)!,
        sent.length,
      );
      for (const received of got) expect(received.lobbyId).toBe(party.lobbyId);
      expect(got.map(({ message }) => `${message.senderName}: ${message.message}`).sort()).toEqual(
        [...sent].sort(),
      );
    }),
  );
}

/** The host starts mediation; every member is asked for its UDP packet. Marks are from before. */
export async function startMediation(ctx: ChurnContext, party: Party): Promise<Marks> {
  const marks = marksOf(party.everyone);
  const started = await postStart(ctx, party);
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  ctx.tally.mediations++;
  await Promise.all(
    party.everyone.map(async (peer) => {
      expect(await messageSince(peer.client, 'ptpMediation_send', marks.get(peer)!)).toEqual({
        port: ctx.orion.udpPort,
      });
    }),
  );
  return marks;
}

export const postStart = (ctx: ChurnContext, party: Party) =>
  postJson(ctx.orion.httpUrl, `/lobbies/${party.lobbyId}/ptp/start`, {
    token: party.host.client.token,
  });

/** `ptpMediation_connect` from each peer's own UDP socket. */
export async function sendDatagrams(ctx: ChurnContext, peers: readonly Peer[]): Promise<void> {
  await Promise.all(peers.map((peer) => peer.client.sendUdp(ctx.orion.udpPort)));
}

/**
 * Everyone sends its datagram; the host is then given every member's endpoint and each
 * member the host's, as seen from their own UDP sockets.
 */
export async function reachConnecting(ctx: ChurnContext, party: Party, marks: Marks) {
  await sendDatagrams(ctx, party.everyone);
  const portOf = new Map<Peer, number>();
  for (const peer of party.everyone) portOf.set(peer, await peer.client.udpPort());
  await Promise.all(
    party.everyone.map(async (peer) => {
      const { peers } = await messageSince(
        peer.client,
        'ptpMediation_peersConnection_start',
        marks.get(peer)!,
      );
      const expected = peer === party.host ? party.members : [party.host];
      expect(peers.map(({ ip }) => ip)).toEqual(expected.map(() => '127.0.0.1'));
      expect(peers.map(({ port }) => port).sort()).toEqual(
        expected.map((other) => portOf.get(other)!).sort(),
      );
    }),
  );
}

export function reportSuccess(peers: readonly Peer[]): void {
  for (const peer of peers) {
    peer.client.send('ptpMediation_peersConnection_success', { token: peer.client.token });
  }
}

/** Everyone reports success: everyone hears `ptpMediation_success`, then the lobby closes. */
export async function succeed(ctx: ChurnContext, party: Party, marks: Marks): Promise<void> {
  reportSuccess(party.everyone);
  await Promise.all(
    party.everyone.map(async (peer) => {
      expect(await messageSince(peer.client, 'ptpMediation_success', marks.get(peer)!)).toEqual({});
      expect(await messageSince(peer.client, 'lobby_closed', marks.get(peer)!)).toEqual({
        lobbyId: party.lobbyId,
        lobbyName: party.lobbyName,
      });
    }),
  );
  ctx.tally.succeeded++;
}

/** A whole mediation, from ptp/start to the lobby closing. */
export async function mediateToSuccess(ctx: ChurnContext, party: Party): Promise<void> {
  const marks = await startMediation(ctx, party);
  await reachConnecting(ctx, party, marks);
  await succeed(ctx, party, marks);
}

/**
 * What the others must hear once `leaver` has gone (messages after `marks` count): the
 * host leaving closes the lobby; a member leaving is announced and, mid-mediation,
 * aborts it.
 */
export async function expectDepartureHeard(
  ctx: ChurnContext,
  party: Party,
  leaver: Peer,
  marks: Marks,
  mediating: boolean,
): Promise<void> {
  const others = party.everyone.filter((peer) => peer !== leaver);
  if (leaver === party.host) {
    await Promise.all(
      others.map(async (peer) => {
        expect(await messageSince(peer.client, 'lobby_closed', marks.get(peer)!)).toEqual({
          lobbyId: party.lobbyId,
          lobbyName: party.lobbyName,
        });
      }),
    );
    if (mediating) ctx.tally.closedByHost++;
    return;
  }
  await Promise.all(
    others.map(async (peer) => {
      expect(await messageSince(peer.client, 'lobby_peerDisconnect', marks.get(peer)!)).toEqual({
        lobbyId: party.lobbyId,
        peerName: leaver.name,
      });
      if (!mediating) return;
      const { abortReason } = await messageSince(
        peer.client,
        'ptpMediation_aborted',
        marks.get(peer)!,
      );
      expect(typeof abortReason).toBe('string');
      expect(abortReason.trim()).not.toBe('');
    }),
  );
  if (mediating) ctx.tally.aborted++;
}

/** Everyone left goes at once, each after a short random delay, closing or vanishing. */
export async function leaveAll(
  ctx: ChurnContext,
  rng: SeededRandom,
  peers: readonly Peer[],
): Promise<void> {
  const plans = peers.map((peer) => ({ peer, delay: rng.int(0, 10), how: departureOf(rng) }));
  await Promise.all(
    plans.map(async ({ peer, delay, how }) => {
      if (delay > 0) await sleep(delay);
      await ctx.clients.leave(peer.client, how);
    }),
  );
}
