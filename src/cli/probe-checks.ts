import {
  formatEndpoint,
  OrionClient,
  OrionHttpApi,
  type PeerEndpoint,
  type ServerMessages,
} from '@orion/sdk';
import { Deadline } from './deadline.js';
import { compareEndpoints } from './endpoint-check.js';
import { checkRelay } from './relay-check.js';

/** What `orion probe` checks, in order; each step needs the ones before it. */
export const PROBE_CHECKS = [
  'HTTP reachable',
  'WebSocket registered',
  'Lobby create/join',
  'UDP reachable',
  'Endpoint seen by Orion',
  'Hole punch and mediation',
  'UDP relay',
] as const;

export type ProbeCheck = (typeof PROBE_CHECKS)[number];
/** `info` reports something that is neither good nor bad, such as the (opt-in) relay being off. */
export type CheckStatus = 'ok' | 'warn' | 'info' | 'fail' | 'skip';

export interface CheckLine {
  check: ProbeCheck;
  status: CheckStatus;
  detail: string;
}

export interface ProbeOptions {
  url: string;
  timeoutMs: number;
  /** Where the UDP datagrams go; default: the URL's host. */
  udpHost?: string;
}

export interface ProbeOutcome {
  passed: boolean;
  /** The first failed check's reason, for the closing error line. */
  failure?: string;
}

const HOST_NAME = 'probe host';
const GUEST_NAME = 'probe guest';

/** A check that did not pass, with the sentence to show for it. */
class CheckFailed extends Error {}

/**
 * Runs two SDK clients through one whole private-lobby mediation and reports each step
 * as it completes. Bounded by `timeoutMs` in all; every socket is closed at the end,
 * whatever happened.
 */
export async function runProbe(
  options: ProbeOptions,
  report: (line: CheckLine) => void,
): Promise<ProbeOutcome> {
  const probe = new ProbeRun(options);
  let failure: string | undefined;
  try {
    for (const check of PROBE_CHECKS) {
      if (failure !== undefined) {
        report({ check, status: 'skip', detail: 'not run: an earlier check failed' });
        continue;
      }
      try {
        const { status, detail } = await probe.run(check);
        report({ check, status, detail });
      } catch (error) {
        failure = (error as Error).message;
        report({ check, status: 'fail', detail: failure });
      }
    }
  } finally {
    await probe.close();
  }
  return { passed: failure === undefined, failure };
}

class ProbeRun {
  private readonly deadline: Deadline;
  private readonly udpHost: string;
  private host: OrionClient | undefined;
  private guest: OrionClient | undefined;
  private lobbyId = '';
  private starts: ServerMessages['ptpMediation_peersConnection_start'][] = [];

  constructor(private readonly options: ProbeOptions) {
    this.deadline = new Deadline(options.timeoutMs);
    this.udpHost = options.udpHost ?? new URL(options.url).hostname.replace(/^\[(.*)\]$/, '$1');
  }

  run(check: ProbeCheck): Promise<{ status: CheckStatus; detail: string }> {
    switch (check) {
      case 'HTTP reachable':
        return this.checkHttp();
      case 'WebSocket registered':
        return this.checkWebSocket();
      case 'Lobby create/join':
        return this.checkLobby();
      case 'UDP reachable':
        return this.checkUdp();
      case 'Endpoint seen by Orion':
        return this.checkEndpoints();
      case 'Hole punch and mediation':
        return this.checkMediation();
      case 'UDP relay':
        // Clients of its own, in a lobby of its own: the first mediation's lobby is gone.
        return checkRelay({
          url: this.options.url,
          udpHost: this.udpHost,
          deadline: this.deadline,
        });
    }
  }

  async close(): Promise<void> {
    // Closing the WebSockets ends the lobby; the sockets are closed here even when a
    // mediation handed them over, since the probe is their only user.
    for (const client of [this.host, this.guest]) {
      if (!client) continue;
      await client.close();
      try {
        client.socket.close();
      } catch {
        // Already closed.
      }
    }
  }

  private async checkHttp() {
    const api = new OrionHttpApi(this.options.url, this.deadline.leftMs());
    const startedAt = Date.now();
    const pong = await api.ping().catch((error: Error) => {
      throw new CheckFailed(error.message);
    });
    if (!pong) {
      throw new CheckFailed(`GET /ping at ${this.options.url} did not answer pong: is it Orion?`);
    }
    return ok(`GET /ping answered pong in ${Date.now() - startedAt} ms`);
  }

  private async checkWebSocket() {
    const connect = () =>
      OrionClient.connect({
        url: this.options.url,
        udpHost: this.udpHost,
        connectTimeoutMs: this.deadline.leftMs(),
        requestTimeoutMs: this.deadline.leftMs(),
      });
    this.host = await connect();
    this.guest = await connect();
    return ok('two clients connected and each received client_registered');
  }

  private async checkLobby() {
    const { lobbyId } = await this.host!.host({
      hostName: HOST_NAME,
      lobbyName: 'orion probe',
      isPublic: false,
      maxMembers: 2,
    });
    this.lobbyId = lobbyId;
    await this.guest!.join(lobbyId, GUEST_NAME);
    return ok(`created private lobby ${lobbyId}; the second client joined it`);
  }

  private async checkUdp() {
    const host = this.host!;
    const guest = this.guest!;
    await host.startMediation();
    const { port } = await this.deadline.race(host.next('ptpMediation_send'), 'ptpMediation_send');
    const unreachable = `UDP port ${port} on host ${this.udpHost} is unreachable`;
    // Both clients have sent ptpMediation_connect by now (the SDK answers at once).
    // Orion hands out the peer lists only once both datagrams arrived.
    const aborted = Promise.race([
      host.next('ptpMediation_aborted', this.deadline.leftMs()),
      guest.next('ptpMediation_aborted', this.deadline.leftMs()),
    ]).then(({ abortReason }) => {
      throw new CheckFailed(`${unreachable}: Orion aborted the mediation: ${abortReason}`);
    });
    const started = Promise.all([
      host.next('ptpMediation_peersConnection_start', this.deadline.leftMs()),
      guest.next('ptpMediation_peersConnection_start', this.deadline.leftMs()),
    ]);
    try {
      this.starts = await this.deadline.race(
        Promise.race([started, aborted]),
        'ptpMediation_peersConnection_start',
      );
    } catch (error) {
      if (error instanceof CheckFailed) throw error;
      throw new CheckFailed(
        `${unreachable}: no ptpMediation_peersConnection_start within ${this.options.timeoutMs} ms`,
      );
    }
    return ok(
      `Orion received both ptpMediation_connect datagrams on ${formatEndpoint({ ip: this.udpHost, port })} ` +
        '(ptpMediation_peersConnection_start arrived)',
    );
  }

  private async checkEndpoints() {
    const [hostStart, guestStart] = this.starts;
    // Each client's endpoint as Orion saw it is in the OTHER client's peer list.
    const seen = [
      { name: HOST_NAME, endpoint: guestStart.peers[0], local: this.host!.socket.address() },
      { name: GUEST_NAME, endpoint: hostStart.peers[0], local: this.guest!.socket.address() },
    ];
    const rewritten = seen.filter(({ endpoint, local }) => {
      const { sameAddress, samePort } = compareEndpoints(endpoint, local);
      return !sameAddress || !samePort;
    });
    const describe = ({ name, endpoint, local }: (typeof seen)[number]) =>
      `${name}: Orion saw ${formatEndpoint(endpoint)}, local socket ${formatEndpoint({ ip: local.address, port: local.port })}`;
    if (rewritten.length === 0) {
      return ok(`${seen.map(describe).join('; ')} (no rewriting)`);
    }
    return {
      status: 'warn' as const,
      detail:
        `${rewritten.map(describe).join('; ')}. A NAT or load balancer rewrote the UDP source ` +
        'on the way to Orion; hole punching breaks unless that NAT keeps its mappings stable ' +
        '(the same public port for every destination).',
    };
  }

  private async checkMediation() {
    const punchTimeoutMs = this.deadline.leftMs();
    const results = await this.deadline
      .race(
        Promise.all([
          this.host!.mediate({ punchTimeoutMs }),
          this.guest!.mediate({ punchTimeoutMs }),
        ]),
        'ptpMediation_success',
      )
      .catch((error: Error) => {
        throw new CheckFailed(`hole punching or mediation failed: ${error.message}`);
      });
    const reached = results.flatMap((result) => result.peers).map(describePeer);
    return ok(`the clients reached each other (${reached.join(', ')}); ptpMediation_success`);
  }
}

const ok = (detail: string) => ({ status: 'ok' as const, detail });

const describePeer = (peer: PeerEndpoint) => `${peer.name} at ${formatEndpoint(peer)}`;
