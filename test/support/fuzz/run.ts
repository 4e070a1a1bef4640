import { setImmediate as nextTurn } from 'node:timers/promises';
import { OrionEventBus } from '../../../src/common/orion-events.js';
import { fitted, wireData, type FrameInput } from './frames.js';
import { RawHttpClient, httpContractBreach, type HttpOutcome } from './http-client.js';
import { httpRequest, type HttpInput } from './http-inputs.js';
import { ProcessedCounter } from './processed.js';
import { FuzzWorld } from './world.js';
import { waitUntil } from '../timing.js';
import type { OrionTestApp } from '../orion/orion-test-app.js';

/**
 * How long to wait for the server to finish with inputs before calling them lost: long,
 * since the machine may be busy, and only a failing run ever waits that long.
 */
const PROCESSING_TIMEOUT_MS = 10_000;

/** The largest payload a UDP datagram can carry; bigger inputs are cut to it. */
const MAX_UDP_PAYLOAD = 65_507;

/** How many inputs go out at once on each transport. */
export interface FuzzPacing {
  /** Largest WebSocket frame sent: keep it under the server's frame limit. */
  frameBudget: number;
  framesPerTurn: number;
  requestsInFlight: number;
  datagramsInFlight: number;
}

/**
 * Sends generated inputs to one running server over all three transports, counts what
 * went out and how it ended, and finds the quiet point after a batch at which the
 * server's state can be checked.
 */
export class FuzzRun {
  readonly sent = { ws: 0, http: 0, udp: 0 };
  /** HTTP answers by route and status, e.g. `join 200`. */
  readonly httpStatuses = new Map<string, number>();
  /** Ended mediations by reason, e.g. `succeeded`. */
  readonly mediationEnds = new Map<string, number>();
  /** Inputs the server never finished with, written off; and the notes saying so. */
  private readonly lost = { ws: 0, udp: 0 };
  private readonly unfinished: string[] = [];
  private readonly http: RawHttpClient;
  private readonly framesDone: ProcessedCounter;
  private readonly datagramsDone: ProcessedCounter;

  private constructor(
    private readonly orion: OrionTestApp,
    readonly world: FuzzWorld,
    private readonly pacing: FuzzPacing,
  ) {
    this.http = new RawHttpClient(orion.httpUrl);
    this.framesDone = new ProcessedCounter(orion.app, 'ws.frame');
    this.datagramsDone = new ProcessedCounter(orion.app, 'udp.datagram');
    orion.app
      .get(OrionEventBus)
      .on('mediation.ended', ({ reason }) => tally(this.mediationEnds, reason));
  }

  static async start(orion: OrionTestApp, fuzzers: number, pacing: FuzzPacing): Promise<FuzzRun> {
    return new FuzzRun(orion, await FuzzWorld.open(orion, fuzzers), pacing);
  }

  get total(): number {
    return this.sent.ws + this.sent.http + this.sent.udp;
  }

  /** Each frame goes out on the socket of the fuzzer it names, its tokens filled in. */
  async sendFrames(inputs: FrameInput[]): Promise<void> {
    for (const [index, input] of inputs.entries()) {
      const data = wireData(input, this.world.contextFor(input.from));
      this.world.fuzzerFor(input.from).sendRaw(fitted(data, this.pacing.frameBudget));
      this.sent.ws++;
      // Let the server read as we go, and aim later frames at the lobbies as they are now.
      if (index % this.pacing.framesPerTurn === this.pacing.framesPerTurn - 1) {
        await nextTurn();
        await this.world.refreshLobbies();
      }
    }
  }

  /** Each datagram goes out from the UDP socket of the fuzzer it names. */
  async sendDatagrams(inputs: FrameInput[]): Promise<void> {
    const { datagramsInFlight } = this.pacing;
    for (let start = 0; start < inputs.length; start += datagramsInFlight) {
      const burst = inputs.slice(start, start + datagramsInFlight);
      await Promise.all(
        burst.map((input) => {
          const data = wireData(input, this.world.contextFor(input.from));
          return this.world
            .fuzzerFor(input.from)
            .sendUdp(this.orion.udpPort, fitted(data, MAX_UDP_PAYLOAD));
        }),
      );
      this.sent.udp += burst.length;
      // A burst left unread could overflow the server's receive buffer and be lost.
      await this.awaitProcessed('udp');
    }
  }

  /** Sends every request, a few at a time; returns how each one broke the HTTP contract. */
  async sendRequests(inputs: HttpInput[]): Promise<string[]> {
    const breaches: string[] = [];
    const queue = [...inputs];
    const worker = async () => {
      for (let input = queue.shift(); input; input = queue.shift()) {
        const spec = httpRequest(input, this.world.contextFor(input.from));
        const body = this.world.maskTokens(spec.body?.toString('utf8').slice(0, 60) ?? '');
        const described = `${spec.method} ${spec.path.slice(0, 80)} (${spec.headers['content-type']}, ${spec.body?.length ?? 0} bytes: ${JSON.stringify(body)})`;
        try {
          const outcome = await this.http.send(spec);
          tally(this.httpStatuses, `${input.route} ${outcome.status}`);
          const breach = httpContractBreach(input.route, spec, outcome);
          if (breach) breaches.push(`${described}: ${breach}`);
        } catch (error) {
          breaches.push(`${described}: ${(error as Error).message}`);
        }
        this.sent.http++;
      }
    };
    await Promise.all(Array.from({ length: this.pacing.requestsInFlight }, worker));
    return breaches;
  }

  /**
   * Waits until the server has finished with every frame and datagram sent, and has
   * cleaned up every client that left: the state is then quiet and can be checked.
   */
  async settle(where: string): Promise<string[]> {
    await this.awaitProcessed('ws');
    await this.awaitProcessed('udp');
    await waitUntil(
      () => this.world.departedAreGone(),
      `${where}: departed clients are cleaned up`,
      PROCESSING_TIMEOUT_MS,
    );
    return this.unfinished.splice(0);
  }

  /**
   * Waits until the server has finished with every input of `transport` sent so far. An
   * input it never finishes (its handler threw before reporting) is noted, then written
   * off so that later batches do not wait for it again.
   */
  private async awaitProcessed(transport: 'ws' | 'udp'): Promise<void> {
    const counter = transport === 'ws' ? this.framesDone : this.datagramsDone;
    const missing = await counter.reach(
      this.sent[transport] - this.lost[transport],
      PROCESSING_TIMEOUT_MS,
    );
    if (missing === 0) return;
    this.lost[transport] += missing;
    this.unfinished.push(`${missing} ${transport} inputs never finished (did a handler throw?)`);
  }

  ping(): Promise<HttpOutcome> {
    return this.http.send({ method: 'GET', path: '/ping', headers: {}, body: undefined });
  }

  /** Log lines at level error or above since the last call (each one a server bug), in brief. */
  takeErrorLogLines(): string[] {
    return this.orion.logger.lines
      .splice(0)
      .map((line) => JSON.parse(line) as LogRecord)
      .filter((record) => record.level >= 50)
      .map(({ context, msg, err }) => `${context}: ${(err?.message ?? msg ?? '').slice(0, 160)}`);
  }

  /** How often inputs made it past validation into the services, per transport. */
  reached(): { framesHandled: number; datagramsAccepted: number; httpSuccesses: number } {
    const successes = ['create 201', 'join 200', 'start 200'];
    return {
      framesHandled: this.framesDone.results.get('accepted') ?? 0,
      datagramsAccepted: this.datagramsDone.results.get('accepted') ?? 0,
      httpSuccesses: successes.reduce((sum, key) => sum + (this.httpStatuses.get(key) ?? 0), 0),
    };
  }

  /** One line on what the inputs met: outcomes per transport and how mediations ended. */
  describeOutcomes(): string {
    const line = (counts: Map<string, number>) =>
      [...counts]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, count]) => `${key} ${count}`)
        .join(', ');
    return (
      `fuzz outcomes: WS {${line(this.framesDone.results)}}; ` +
      `UDP {${line(this.datagramsDone.results)}}; ` +
      `HTTP {${line(this.httpStatuses)}}; mediations ended {${line(this.mediationEnds)}}`
    );
  }

  async close(): Promise<void> {
    await this.world.close();
    this.http.close();
  }
}

interface LogRecord {
  level: number;
  context?: string;
  msg?: string;
  err?: { message?: string };
}

function tally(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
