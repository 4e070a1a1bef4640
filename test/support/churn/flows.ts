import { expect } from 'vitest';
import type { Party, Peer } from '../flows/mediation-flows.js';
import { withMembers } from '../flows/mediation-flows.js';
import { gotSince, messageSince, type Departure } from './clients.js';
import { abortedPost, abortedUpgrade, postJson, type AbortPoint } from './net.js';
import {
  chat,
  departureOf,
  expectDepartureHeard,
  formParty,
  leaveAll,
  marksOf,
  mediateToSuccess,
  postStart,
  reachConnecting,
  reportSuccess,
  sendDatagrams,
  startMediation,
  succeed,
  type ChurnContext,
  type Marks,
} from './party.js';
import type { SeededRandom } from '../seeded-random.js';
import type { Attendee } from './rendezvous.js';
import { sleep } from '../timing.js';

/** A mediating lobby held still at the mid-point, and where its messages start. */
export interface ParkedMediation {
  party: Party;
  marks: Marks;
}

/** The mid-point wave's meeting places: once formed, and once at the decisive moment. */
export interface Midpoint {
  formed: Attendee;
  parked: Attendee;
  /** Told of each flow that parks while its lobby mediates. */
  parkedMediations: ParkedMediation[];
}

export interface FlowContext extends ChurnContext {
  midpoint?: Midpoint;
}

export type FlowKind = keyof typeof FLOWS;

export interface FlowPlan {
  index: number;
  kind: FlowKind;
  /** Clients in the lobby the flow forms (1 for the lone-client flows). */
  size: number;
  /** At most this many clients open at once: the flow's share of the wave's budget. */
  clients: number;
  rng: SeededRandom;
}

type Flow = (ctx: FlowContext, plan: FlowPlan) => Promise<void>;

/** Which lobby member leaves: the host a fair share of the time, else any member. */
const pickLeaver = (rng: SeededRandom, party: Party): Peer =>
  rng.chance(0.3) ? party.host : rng.pick(party.members);

/** A proper subset (possibly empty) of `peers`: never all of them. */
const someButNotAll = (rng: SeededRandom, peers: readonly Peer[]): Peer[] =>
  rng.shuffle(peers).slice(0, rng.int(0, peers.length - 1));

/** The flows park here at the mid-point; elsewhere a short random pause instead. */
async function park(ctx: FlowContext, rng: SeededRandom, parked?: ParkedMediation) {
  const pause = rng.int(0, 20);
  if (!ctx.midpoint) {
    if (pause > 0) await sleep(pause);
    return;
  }
  if (parked) ctx.midpoint.parkedMediations.push(parked);
  await ctx.midpoint.parked.arrive();
}

/** A lobby member leaves mid-mediation; then maybe the host starts over without them. */
async function leaveMidMediation(
  ctx: FlowContext,
  rng: SeededRandom,
  party: Party,
  marks: Marks,
): Promise<void> {
  const leaver = pickLeaver(rng, party);
  const restart = rng.chance(0.4);
  await ctx.clients.leave(leaver.client, departureOf(rng));
  await expectDepartureHeard(ctx, party, leaver, marks, true);
  const rest = withMembers(
    party,
    party.members.filter((member) => member !== leaver),
  );
  if (leaver !== party.host && rest.members.length > 0 && restart) {
    await mediateToSuccess(ctx, rest);
  }
  await leaveAll(ctx, rng, leaver === party.host ? party.members : rest.everyone);
}

export const FLOWS = {
  /** The socket is destroyed as soon as it opens, most likely before `client_registered`. */
  vanishOnOpen: async (ctx) => {
    await ctx.clients.vanishOnOpen();
  },

  /** A raw upgrade request whose TCP socket is destroyed before or on the 101. */
  abortedUpgrade: async (ctx, { rng }) => {
    ctx.clients.countRaw();
    await abortedUpgrade(ctx.orion.wsUrl, rng.pick(['before-response', 'on-response'] as const));
  },

  /** A registered client creates a lobby, but its HTTP request is cut short. */
  midHttp: async (ctx, { rng }) => {
    const point = rng.pick<AbortPoint>(['partial-body', 'before-response', 'on-response']);
    const allAtOnce = rng.chance(0.3);
    const how = departureOf(rng);
    const client = await ctx.clients.connect();
    const body = {
      token: client.token,
      hostName: 'Host',
      lobbyName: 'Cut short',
      isPublic: true,
      maxMembers: 4,
    };
    if (allAtOnce) {
      // The whole client vanishes: its HTTP request and its WebSocket together.
      await Promise.all([
        abortedPost(ctx.orion.httpUrl, '/lobbies', body, point),
        ctx.clients.leave(client, 'vanish'),
      ]);
      return;
    }
    await abortedPost(ctx.orion.httpUrl, '/lobbies', body, point);
    const retry = await postJson(ctx.orion.httpUrl, '/lobbies', body);
    // Half a body never reaches the handler; an answered request did create the lobby;
    // a request cut before its answer may have.
    if (point === 'partial-body') expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    if (point === 'on-response') expect(retry.status, JSON.stringify(retry.body)).toBe(409);
    expect([201, 409]).toContain(retry.status);
    // Either way, exactly one lobby was created for this client.
    ctx.tally.lobbies++;
    await ctx.clients.leave(client, how);
  },

  /** A host alone in its lobby chats, cannot start mediation, and goes. */
  solo: async (ctx, { rng }) => {
    const party = await formParty(ctx, rng, 1);
    await chat(ctx, rng, party);
    const started = await postStart(ctx, party);
    expect(started.status, JSON.stringify(started.body)).toBe(409);
    await leaveAll(ctx, rng, party.everyone);
  },

  /** A lobby chats, maybe turns a latecomer away, then empties one by one. */
  lobbyLeave: async (ctx, { rng, size }) => {
    const full = rng.chance(0.3);
    const party = await formParty(ctx, rng, size, full ? 0 : rng.int(1, 2));
    await chat(ctx, rng, party);
    if (full) await turnAwayLatecomer(ctx, party);
    await ctx.midpoint?.formed.arrive();
    await park(ctx, rng);
    const [first, ...rest] = rng.shuffle(party.everyone);
    const marks = marksOf(party.everyone);
    await ctx.clients.leave(first.client, departureOf(rng));
    await expectDepartureHeard(ctx, party, first, marks, false);
    await leaveAll(ctx, rng, rest);
  },

  /** A whole mediation succeeds; everyone then goes. */
  mediateSuccess: async (ctx, { rng, size }) => {
    const party = await formParty(ctx, rng, size);
    if (rng.chance(0.3)) await chat(ctx, rng, party);
    const duplicates = rng.chance(0.3);
    const marks = await startMediation(ctx, party);
    // Repeated datagrams (the spec asks for one per reminder) change nothing.
    if (duplicates) await sendDatagrams(ctx, party.everyone);
    await reachConnecting(ctx, party, marks);
    await succeed(ctx, party, marks);
    await leaveAll(ctx, rng, party.everyone);
  },

  /** Mid-UDP: some members sent their datagram, others not, when one of them goes. */
  abandonCollecting: async (ctx, { rng, size }) => {
    const party = await formParty(ctx, rng, size);
    const senders = someButNotAll(rng, party.everyone);
    await ctx.midpoint?.formed.arrive();
    const marks = await startMediation(ctx, party);
    await sendDatagrams(ctx, senders);
    await park(ctx, rng, { party, marks });
    await leaveMidMediation(ctx, rng, party, marks);
  },

  /** Mid-peers phase: after `peersConnection_start`, only some reported success. */
  abandonConnecting: async (ctx, { rng, size }) => {
    const party = await formParty(ctx, rng, size);
    const reporters = someButNotAll(rng, party.everyone);
    await ctx.midpoint?.formed.arrive();
    const marks = await startMediation(ctx, party);
    await reachConnecting(ctx, party, marks);
    reportSuccess(reporters);
    await park(ctx, rng, { party, marks });
    await leaveMidMediation(ctx, rng, party, marks);
  },

  /** A member sends its datagram and vanishes at once, while the others send theirs. */
  udpRace: async (ctx, { rng, size }) => {
    const party = await formParty(ctx, rng, size);
    const leaver = pickLeaver(rng, party);
    const how: Departure = rng.chance(0.7) ? 'vanish' : 'close';
    const marks = await startMediation(ctx, party);
    // Bound first, so that leaving closes the very socket the datagram left from.
    await Promise.all(party.everyone.map((peer) => peer.client.udpSocket()));
    const others = party.everyone.filter((peer) => peer !== leaver);
    await Promise.all([
      sendDatagrams(ctx, others),
      leaver.client.sendUdp(ctx.orion.udpPort).then(() => ctx.clients.leave(leaver.client, how)),
    ]);
    await expectDepartureHeard(ctx, party, leaver, marks, true);
    await leaveAll(ctx, rng, others);
  },

  /** Someone goes while the host's ptp/start is in flight; the host may be the one going. */
  startRace: async (ctx, { rng, size }) => {
    const party = await formParty(ctx, rng, size);
    const leaver = pickLeaver(rng, party);
    const how = departureOf(rng);
    const delay = rng.int(0, 3);
    const marks = marksOf(party.everyone);
    const [started] = await Promise.all([
      postStart(ctx, party),
      sleep(delay).then(() => ctx.clients.leave(leaver.client, how)),
    ]);
    // 400: the host was already gone; 409: too few members left, or no lobby any more.
    expect([200, 400, 409], JSON.stringify(started.body)).toContain(started.status);
    if (started.status === 200) ctx.tally.mediations++;
    await expectDepartureHeard(ctx, party, leaver, marks, false);
    const rest = party.everyone.filter((peer) => peer !== leaver);
    // Some leave while a mediation that started without the leaver may still run.
    await leaveAll(ctx, rng, rest);
  },

  /** A joiner vanishes with its join in flight; a latecomer joins as the host goes. */
  joinRace: async (ctx, { rng, size }) => {
    const party = await formParty(ctx, rng, size, 3);
    const ghostHow = departureOf(rng);
    const hostHow = departureOf(rng);
    const hostDelay = rng.int(0, 2);
    const marks = marksOf(party.everyone);
    const joinPath = `/lobbies/${party.lobbyId}/join`;

    const ghost = await ctx.clients.connect();
    const [ghostJoin] = await Promise.all([
      postJson(ctx.orion.httpUrl, joinPath, { token: ghost.token, peerName: 'Ghost' }),
      ctx.clients.leave(ghost, ghostHow),
    ]);
    // 400: its token was already unknown. When it got in, it must be seen leaving again.
    expect([200, 400], JSON.stringify(ghostJoin.body)).toContain(ghostJoin.status);
    if (ghostJoin.status === 200) {
      const gone = await messageSince(
        party.host.client,
        'lobby_peerDisconnect',
        marks.get(party.host)!,
      );
      expect(gone).toEqual({ lobbyId: party.lobbyId, peerName: 'Ghost' });
    }

    const late = { client: await ctx.clients.connect(), name: 'Late' };
    const [lateJoin] = await Promise.all([
      postJson(ctx.orion.httpUrl, joinPath, { token: late.client.token, peerName: late.name }),
      sleep(hostDelay).then(() => ctx.clients.leave(party.host.client, hostHow)),
    ]);
    // 409: the lobby had closed. A latecomer who got in hears it close like the others.
    expect([200, 409], JSON.stringify(lateJoin.body)).toContain(lateJoin.status);
    const joined = lateJoin.status === 200 ? [late] : [];
    const closedFor = withMembers(party, [...party.members, ...joined]);
    const lateMarks: Marks = new Map([...marks, [late, 0]]);
    await expectDepartureHeard(ctx, closedFor, party.host, lateMarks, false);
    await leaveAll(ctx, rng, [...party.members, late]);
  },

  /** Nobody finishes a phase in time: mediation times out; the host may start over. */
  timeout: async (ctx, { rng, size }) => {
    const party = await formParty(ctx, rng, size, 1);
    const inConnecting = rng.chance(0.5);
    const partial = someButNotAll(rng, party.everyone);
    const latecomer = rng.chance(0.5);
    const restart = rng.chance(0.5);
    const marks = await startMediation(ctx, party);
    if (inConnecting) {
      await reachConnecting(ctx, party, marks);
      reportSuccess(partial);
    } else {
      await sendDatagrams(ctx, partial);
    }
    await Promise.all(
      party.everyone.map((peer) =>
        messageSince(peer.client, 'ptpMediation_aborted', marks.get(peer)!),
      ),
    );
    ctx.tally.aborted++;
    let again = party;
    if (latecomer) {
      // The lobby is unlocked again: a latecomer gets in.
      const late = { client: await ctx.clients.connect(), name: 'Late' };
      const joined = await postJson(ctx.orion.httpUrl, `/lobbies/${party.lobbyId}/join`, {
        token: late.client.token,
        peerName: late.name,
      });
      expect(joined.status, JSON.stringify(joined.body)).toBe(200);
      again = withMembers(party, [...party.members, late]);
    }
    if (restart) await mediateToSuccess(ctx, again);
    await leaveAll(ctx, rng, again.everyone);
  },
} satisfies Record<string, Flow>;

/** A full lobby answers 409 to one more; the latecomer goes again. */
async function turnAwayLatecomer(ctx: ChurnContext, party: Party): Promise<void> {
  const late = await ctx.clients.connect();
  const refused = await postJson(ctx.orion.httpUrl, `/lobbies/${party.lobbyId}/join`, {
    token: late.token,
    peerName: 'Late',
  });
  expect(refused.status, JSON.stringify(refused.body)).toBe(409);
  await ctx.clients.leave(late, 'close');
}

/** True when any member of a parked mediation heard it abort after `marks`. */
export const heardAbort = ({ party, marks }: ParkedMediation): boolean =>
  party.everyone.some((peer) => gotSince(peer.client, 'ptpMediation_aborted', marks.get(peer)!));
