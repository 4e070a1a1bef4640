import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { decodeFrame, RELAY_BOUND_METHOD, type ServerMessages } from '@orion/protocol';
import { formatEndpoint, MediationAbortedError } from '@orion/sdk';
import { ABORT_REASONS } from '../mediation/mediation.service.js';
import type { Deadline } from './deadline.js';
import { NoMessageInTime, RelayCheckClient } from './relay-check-client.js';
import { cameFrom, UdpInbox, type Datagram, type Endpoint } from './relay-check-udp.js';

/**
 * How long the relay gets to answer each step (the allocation, a bind, a relayed datagram):
 * it answers in a round trip when it works. Always within what is left of --timeoutMs.
 */
export const RELAY_ANSWER_MS = 3_000;
/** Datagrams are repeated at this pace until answered, as a client would. */
const RESEND_EVERY_MS = 250;

/** How the report begins when nothing answered the request: the relay is off (opt-in). */
export const RELAY_OFF = 'off (no answer to ptpMediation_relay_request)';

const HOST_NAME = 'probe host';
const GUEST_NAME = 'probe guest';

export interface RelayCheckOptions {
  url: string;
  udpHost: string;
  /** The whole probe's budget; every wait here stays within it. */
  deadline: Deadline;
  answerMs?: number;
}

export interface RelayCheckResult {
  status: 'ok' | 'info';
  detail: string;
}

/** One side of the relayed pair. */
interface Side {
  name: string;
  client: RelayCheckClient;
  /** Where this side sends to reach the other, as Orion allocated it. */
  relay: Endpoint;
  /** A fresh socket: only the relay knows it, so whatever arrives came through the relay. */
  udp: UdpInbox;
}

/**
 * The relay as players meet it: a second mediation between two clients, a relay request
 * in its connecting phase, both sides bound, one datagram each way through the relay, and
 * success reported. A server that never answers the request has the relay off, which is
 * reported as information; a relay that answers but does not work throws, naming what
 * failed. Every socket is closed at the end, whatever happened.
 */
export async function checkRelay(options: RelayCheckOptions): Promise<RelayCheckResult> {
  const check = new RelayCheck(options);
  try {
    return await check.run();
  } finally {
    await check.close();
  }
}

class RelayCheck {
  private readonly clients: RelayCheckClient[] = [];
  private readonly inboxes: UdpInbox[] = [];

  constructor(private readonly options: RelayCheckOptions) {}

  async run(): Promise<RelayCheckResult> {
    const [host, guest] = await this.startMediation();
    // The guest asks: a member may name only the host, and one request relays the pair.
    guest.send('ptpMediation_relay_request', { peerNames: [HOST_NAME] });
    let guestAllocation: ServerMessages['ptpMediation_relay_allocated'];
    try {
      guestAllocation = await guest.next('ptpMediation_relay_allocated', this.answerMs());
    } catch (error) {
      return relayOff(error as Error);
    }
    const hostAllocation = await host
      .next('ptpMediation_relay_allocated', this.answerMs())
      .catch((error: Error) => {
        throw error instanceof NoMessageInTime
          ? new Error(
              `Orion sent ptpMediation_relay_allocated to the ${GUEST_NAME}, who asked, but not to the ${HOST_NAME} within ${error.waitedMs} ms`,
            )
          : error;
      });
    const sides: [Side, Side] = [
      await this.side(HOST_NAME, host, relayEntryFor(hostAllocation, GUEST_NAME, HOST_NAME)),
      await this.side(GUEST_NAME, guest, relayEntryFor(guestAllocation, HOST_NAME, GUEST_NAME)),
    ];
    await this.bind(sides);
    await Promise.all([this.relayOneWay(...sides), this.relayOneWay(sides[1], sides[0])]);
    await this.succeed(host, guest);
    const [hostSide, guestSide] = sides;
    return {
      status: 'ok',
      detail:
        `relay endpoints ${formatEndpoint(hostSide.relay)} (${HOST_NAME}'s) and ${formatEndpoint(guestSide.relay)} (${GUEST_NAME}'s) ` +
        'bound; one datagram each way arrived unmodified from the relay endpoint; ptpMediation_success',
    };
  }

  async close(): Promise<void> {
    // Leaving ends the lobby; a relay of a mediation that succeeded idles out on its own.
    await Promise.all([
      ...this.clients.map((client) => client.close()),
      ...this.inboxes.map((inbox) => inbox.close()),
    ]);
  }

  /** Two new clients, a private lobby, and ptp/start, up to both peer lists. */
  private async startMediation(): Promise<[RelayCheckClient, RelayCheckClient]> {
    const { url, udpHost, deadline } = this.options;
    try {
      for (let i = 0; i < 2; i++) {
        this.clients.push(
          await RelayCheckClient.connect({ url, udpHost, timeoutMs: deadline.leftMs() }),
        );
      }
      const [host, guest] = this.clients;
      const { lobbyId } = await host.hostLobby({
        hostName: HOST_NAME,
        lobbyName: 'orion probe relay',
        isPublic: false,
        maxMembers: 2,
      });
      await guest.joinLobby(lobbyId, GUEST_NAME);
      await host.startMediation(lobbyId);
      await Promise.all(
        [host, guest].map((client) =>
          client.next('ptpMediation_peersConnection_start', deadline.leftMs()),
        ),
      );
      return [host, guest];
    } catch (error) {
      throw new Error(
        `a second mediation, to ask for the relay, did not start: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  private async side(name: string, client: RelayCheckClient, relay: Endpoint): Promise<Side> {
    const udp = await UdpInbox.open(relay.ip);
    this.inboxes.push(udp);
    return { name, client, relay, udp };
  }

  /** Each side binds its relay port, repeating until `ptpMediation_relay_bound` comes back. */
  private async bind(sides: Side[]): Promise<void> {
    const waitMs = this.answerMs();
    const answers = await Promise.all(
      sides.map((side) =>
        side.udp.waitFor(isBoundReply, waitMs, {
          everyMs: RESEND_EVERY_MS,
          send: () => side.udp.send(side.client.bindDatagram(), side.relay),
        }),
      ),
    );
    this.failIfAborted();
    const unanswered = sides.filter((_, i) => answers[i] === undefined);
    if (unanswered.length > 0) {
      throw new Error(
        unansweredBindMessage(
          unanswered.map((side) => side.relay),
          waitMs,
        ),
      );
    }
    sides.forEach((side, i) => {
      const answer = answers[i]!;
      if (!cameFrom(answer, side.relay)) {
        throw new Error(
          `the ptpMediation_relay_bound for relay ${formatEndpoint(side.relay)} came from ` +
            `${formatEndpoint({ ip: answer.address, port: answer.port })}: the relay answers ` +
            'from another address than the one it hands out (--relayHost)',
        );
      }
    });
  }

  /** One datagram from `from` through its relay port, to arrive intact at `to`. */
  private async relayOneWay(from: Side, to: Side): Promise<void> {
    const sent = Buffer.concat([Buffer.from('orion probe '), randomBytes(16)]);
    const waitMs = this.answerMs();
    const arrived = await to.udp.waitFor((datagram) => !isBoundReply(datagram), waitMs, {
      everyMs: RESEND_EVERY_MS,
      send: () => from.udp.send(sent, from.relay),
    });
    this.failIfAborted();
    if (!arrived) {
      throw new Error(
        `a datagram the ${from.name} sent to relay ${formatEndpoint(from.relay)} did not reach ` +
          `the ${to.name} within ${waitMs} ms, though both sides were bound`,
      );
    }
    const problem = relayedDatagramProblem(arrived, sent, to.relay);
    if (problem) throw new Error(`the datagram the ${from.name} sent through the relay ${problem}`);
  }

  private async succeed(host: RelayCheckClient, guest: RelayCheckClient): Promise<void> {
    const waitMs = this.options.deadline.leftMs();
    for (const client of [host, guest]) client.send('ptpMediation_peersConnection_success', {});
    await Promise.all(
      [host, guest].map((client) => client.next('ptpMediation_success', waitMs)),
    ).catch((error: Error) => {
      throw error instanceof NoMessageInTime
        ? new Error(
            `no ptpMediation_success within ${waitMs} ms after both sides reported ptpMediation_peersConnection_success over the relay`,
          )
        : error;
    });
  }

  /** A silent relay port may be one Orion closed when it aborted the mediation: say that. */
  private failIfAborted(): void {
    const reason = this.clients.find((client) => client.abortReason !== undefined)?.abortReason;
    if (reason !== undefined) throw new MediationAbortedError(reason);
  }

  private answerMs(): number {
    return Math.min(this.options.answerMs ?? RELAY_ANSWER_MS, this.options.deadline.leftMs());
  }
}

/** No allocation came: the relay is off, unless Orion said it is full. */
function relayOff(error: Error): RelayCheckResult {
  if (error instanceof NoMessageInTime) {
    return {
      status: 'info',
      detail:
        `${RELAY_OFF}: no ptpMediation_relay_allocated within ${error.waitedMs} ms; ` +
        'Orion relays only when started with --relayPorts and --relayHost',
    };
  }
  if (error instanceof MediationAbortedError) {
    if (error.reason === ABORT_REASONS.relayFull) {
      throw new Error(`the relay is on but could not take the pair: ${error.message}`);
    }
    // Orion's connect timeout ran out first: a relay that is on would have answered by then.
    return { status: 'info', detail: `${RELAY_OFF} before ${error.message}` };
  }
  throw error;
}

/** The endpoint `receiver` was given for `peerName`; throws if the allocation has none. */
export function relayEntryFor(
  allocated: ServerMessages['ptpMediation_relay_allocated'],
  peerName: string,
  receiver: string,
): Endpoint {
  const relays: unknown[] = Array.isArray(allocated.relays) ? allocated.relays : [];
  const entry = relays.find(
    (candidate): candidate is { peerName: string; ip: string; port: number } =>
      typeof candidate === 'object' &&
      candidate !== null &&
      (candidate as { peerName?: unknown }).peerName === peerName,
  );
  if (
    !entry ||
    typeof entry.ip !== 'string' ||
    isIP(entry.ip) === 0 ||
    !Number.isInteger(entry.port) ||
    entry.port < 1 ||
    entry.port > 65_535
  ) {
    throw new Error(
      `the ptpMediation_relay_allocated sent to the ${receiver} has no usable relay endpoint ` +
        `for the ${peerName}: ${JSON.stringify(allocated).slice(0, 300)}`,
    );
  }
  return { ip: entry.ip, port: entry.port };
}

/** Why a datagram that came through the relay is not the one sent, or undefined if it is. */
export function relayedDatagramProblem(
  received: Datagram,
  sent: Buffer,
  relay: Endpoint,
): string | undefined {
  if (!cameFrom(received, relay)) {
    const source = formatEndpoint({ ip: received.address, port: received.port });
    return `arrived from ${source} instead of the relay endpoint ${formatEndpoint(relay)}`;
  }
  if (!received.data.equals(sent)) {
    return `arrived changed (${sent.length} bytes sent, ${received.data.length} bytes received)`;
  }
  return undefined;
}

/** The failure for relay ports that were allocated but never answered a bind. */
export function unansweredBindMessage(relays: Endpoint[], waitMs: number): string {
  const endpoints = relays.map(formatEndpoint).join(' and ');
  return (
    `relay ${endpoints} did not answer ptpMediation_relay_bind within ${waitMs} ms ` +
    `(Orion allocated ${relays.length === 1 ? 'it' : 'them'}, but no ptpMediation_relay_bound came back): are the relay ports ` +
    '(--relayPorts) open to UDP from players, and is --relayHost the address players reach?'
  );
}

function isBoundReply(datagram: Datagram): boolean {
  return decodeFrame(datagram.data.toString('utf8'))?.method === RELAY_BOUND_METHOD;
}
