import { randomBytes } from 'node:crypto';
import type { RemoteInfo } from 'node:dgram';
import { decodeFrame, RELAY_BOUND_METHOD } from '@orion/protocol';
import {
  formatEndpoint,
  MediationAbortedError,
  OrionClient,
  type MediationResult,
  type ServerMessages,
} from '@orion/sdk';
import type { Deadline } from './deadline.js';
import {
  failedRelayMediation,
  relayedDatagramProblem,
  relayedPairProblem,
  type RelayCheckResult,
  type SideView,
} from './relay-check-outcome.js';
import { cameFrom, passDatagram, type Endpoint } from './relay-check-udp.js';

/**
 * How long the relay gets to work (allocate, answer the binds, pass the hellos), and then
 * to pass a datagram each way: a round trip or two when it works. Always within what is
 * left of --timeoutMs.
 */
const RELAY_ANSWER_MS = 3_000;

/** How long before the deadline the wait for the relay ends, for its own verdict to come first. */
const VERDICT_BEFORE_DEADLINE_MS = 20;

const HOST_NAME = 'probe host';
const GUEST_NAME = 'probe guest';

export interface RelayCheckOptions {
  url: string;
  udpHost: string;
  /** The whole probe's budget; every wait here stays within it. */
  deadline: Deadline;
}

/**
 * The relay as players meet it: a second mediation between two SDK clients that relay
 * every pair (`relay: 'always'`), then one datagram each way on the sockets it handed
 * over. A server that never answers the relay request has the relay off, which is
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

/** One player of the pair, and what it saw of the relay while the SDK used it. */
class RelaySide implements SideView {
  started = false;
  relay: Endpoint | undefined;
  bound = false;
  /** Resolves when the peer list came; rejects if the mediation or connection ended first. */
  readonly peerList: Promise<void>;

  constructor(
    readonly name: string,
    readonly peerName: string,
    readonly client: OrionClient,
  ) {
    this.peerList = new Promise((resolve, reject) => {
      client.once('ptpMediation_peersConnection_start', () => {
        this.started = true;
        resolve();
      });
      client.once('ptpMediation_aborted', ({ abortReason }) =>
        reject(new MediationAbortedError(abortReason)),
      );
      client.once('close', (code) =>
        reject(new Error(`the connection to Orion closed (code ${code})`)),
      );
    });
    this.peerList.catch(() => undefined); // Awaited once the mediation has started.
    client.on('ptpMediation_relay_allocated', this.onAllocated);
    // Only listens: the SDK binds, and this notes whether the relay ever answered.
    client.socket.on('message', this.onDatagram);
  }

  private readonly onAllocated = ({ relays }: ServerMessages['ptpMediation_relay_allocated']) => {
    const entry = relays.find((relay) => relay.peerName === this.peerName);
    if (entry) this.relay = { ip: entry.ip, port: entry.port };
  };

  private readonly onDatagram = (data: Buffer, remote: RemoteInfo) => {
    if (!this.relay || decodeFrame(data.toString('utf8'))?.method !== RELAY_BOUND_METHOD) return;
    if (cameFrom({ data, address: remote.address, port: remote.port }, this.relay)) {
      this.bound = true;
    }
  };
}

class RelayCheck {
  private readonly sides: RelaySide[] = [];

  constructor(private readonly options: RelayCheckOptions) {}

  async run(): Promise<RelayCheckResult> {
    let results: MediationResult[];
    try {
      results = await this.mediate();
    } catch (error) {
      return failedRelayMediation(error as Error, this.sides);
    }
    this.sides.forEach((side, i) => {
      const problem = relayedPairProblem(side, results[i]);
      if (problem) throw new Error(problem);
    });
    const [host, guest] = this.sides;
    await Promise.all([this.relayOneWay(host, guest), this.relayOneWay(guest, host)]);
    return {
      status: 'ok',
      detail:
        `relay endpoints ${formatEndpoint(host.relay!)} (${HOST_NAME}'s) and ${formatEndpoint(guest.relay!)} (${GUEST_NAME}'s) ` +
        'bound; one datagram each way arrived unmodified from the relay endpoint; ptpMediation_success',
    };
  }

  async close(): Promise<void> {
    // Leaving ends the lobby; a relay of a mediation that succeeded idles out on its own.
    await Promise.all(
      this.sides.map(async ({ client }) => {
        await client.close();
        try {
          client.socket.close(); // Handed over if the mediation succeeded; ours to close.
        } catch {
          // Already closed.
        }
      }),
    );
  }

  /** Two new clients in a private lobby, through a mediation with their pair relayed. */
  private async mediate(): Promise<MediationResult[]> {
    const { url, udpHost, deadline } = this.options;
    for (const [name, peerName] of [
      [HOST_NAME, GUEST_NAME],
      [GUEST_NAME, HOST_NAME],
    ]) {
      const client = await OrionClient.connect({
        url,
        udpHost,
        connectTimeoutMs: deadline.leftMs(),
        requestTimeoutMs: deadline.leftMs(),
      });
      this.sides.push(new RelaySide(name, peerName, client));
    }
    const [host, guest] = this.sides.map((side) => side.client);
    const { lobbyId } = await host.host({
      hostName: HOST_NAME,
      lobbyName: 'orion probe relay',
      isPublic: false,
      maxMembers: 2,
    });
    await guest.join(lobbyId, GUEST_NAME);
    await host.startMediation();
    await deadline.race(
      Promise.all(this.sides.map((side) => side.peerList)),
      'ptpMediation_peersConnection_start',
    );
    // Only now, with the peer lists kept by the clients, so that punching (and with it the
    // wait for the relay) fits in what is left. It ends just before the deadline, so that a
    // relay that never answered is reported as such. Both sides ask for the pair at once
    // and count only hellos that came through the relay.
    const punchTimeoutMs = Math.max(
      1,
      Math.min(RELAY_ANSWER_MS, deadline.leftMs() - VERDICT_BEFORE_DEADLINE_MS),
    );
    const options = { relay: 'always', punchTimeoutMs } as const;
    return deadline.race(
      Promise.all([host.mediate(options), guest.mediate(options)]),
      'ptpMediation_success',
    );
  }

  /** One datagram from `from` through its relay port, to arrive intact at `to`. */
  private async relayOneWay(from: RelaySide, to: RelaySide): Promise<void> {
    const sent = Buffer.concat([Buffer.from('orion probe '), randomBytes(16)]);
    const waitMs = this.answerMs();
    const arrived = await passDatagram({
      from: from.client.socket,
      to: from.relay!,
      receiver: to.client.socket,
      data: sent,
      waitMs,
    });
    if (!arrived) {
      throw new Error(
        `a datagram the ${from.name} sent to relay ${formatEndpoint(from.relay!)} did not reach ` +
          `the ${to.name} within ${waitMs} ms, though the hellos of the mediation had`,
      );
    }
    const problem = relayedDatagramProblem(arrived, sent, to.relay!);
    if (problem) throw new Error(`the datagram the ${from.name} sent through the relay ${problem}`);
  }

  private answerMs(): number {
    return Math.min(RELAY_ANSWER_MS, this.options.deadline.leftMs());
  }
}
