import type { Socket } from 'node:dgram';
import type { PeerEndpoint, RelayEndpoint } from '@orion/protocol';
import type { ClientEventSource, OrionClientEvent, OrionClientEvents } from './client-events.js';
import { MediationAbortedError, MediationInterruptedError } from './errors.js';
import { HolePuncher } from './hole-punch.js';
import { verdictOnResume } from './mediation-resume.js';
import type { PunchSchedule } from './punch-schedule.js';
import { DEFAULT_RELAY_AFTER_MS, RelayFallback, type RelayMode } from './relay-fallback.js';

export interface MediateOptions {
  /** How long to punch before giving up with PunchFailedError; default 5000 ms. */
  punchTimeoutMs?: number;
  /**
   * How long to wait for `ptpMediation_peersConnection_start` if it has not arrived yet.
   * Unset: wait until the mediation starts, aborts, or the lobby or connection closes.
   */
  startTimeoutMs?: number;
  /** The hello retry schedule; the default suits most networks. */
  schedule?: PunchSchedule;
  /**
   * When to ask Orion to relay a pair (a server without the relay ignores the request):
   * `fallback` (default), `always` or `off`; see {@link RelayMode}.
   */
  relay?: RelayMode;
  /** In `fallback` mode, how long a peer may stay silent before its pair is relayed; default 2000 ms. */
  relayAfterMs?: number;
}

/** How a mediation ended well: every peer's endpoint, and which of them are relayed. */
export interface MediationOutcome {
  /** Every peer as reached: a relay endpoint for a relayed peer, else where it answered from. */
  peers: PeerEndpoint[];
  /** The names of the peers reached through Orion's relay. */
  relayed: string[];
}

export const DEFAULT_PUNCH_TIMEOUT_MS = 5_000;

export interface MediationContext {
  events: ClientEventSource;
  socket: Socket;
  selfName: string;
  /** The peers from a `ptpMediation_peersConnection_start` that arrived before the call. */
  knownPeers: PeerEndpoint[] | undefined;
  /** Relay ports Orion allocated in this mediation before the call. */
  knownRelays: RelayEndpoint[];
  /** Orion had started this mediation before the call (asked for the packet or sent peers). */
  underway: boolean;
  /**
   * Sends `ptpMediation_peersConnection_success` over the WebSocket: true when sent now,
   * false when kept until the client is back from a dropped connection.
   */
  reportSuccess(): boolean;
  /** Sends `ptpMediation_relay_request` over the WebSocket. */
  requestRelay(peerNames: string[]): void;
  /** This client's `ptpMediation_relay_bind` datagram. */
  relayBindDatagram: Buffer;
}

/**
 * One client's part of a mediation, from the peer list to `ptpMediation_success`:
 * punch every peer (through Orion's relay where punching fails, or where either side
 * asked), report success once all answered, keep answering their hellos, and resolve
 * with the peers as reached. Every way the mediation can end without success rejects
 * with an error saying which, so that the caller never waits forever.
 */
export function runMediation(
  context: MediationContext,
  options: MediateOptions = {},
): Promise<MediationOutcome> {
  const punchTimeoutMs = options.punchTimeoutMs ?? DEFAULT_PUNCH_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    // Answering hellos starts now: a peer may punch before our own peer list arrives.
    const puncher = new HolePuncher({
      socket: context.socket,
      selfName: context.selfName,
      schedule: options.schedule,
    });
    const relay = new RelayFallback({
      socket: context.socket,
      puncher,
      mode: options.relay ?? 'fallback',
      relayAfterMs: options.relayAfterMs ?? DEFAULT_RELAY_AFTER_MS,
      requestRelay: (peerNames) => {
        try {
          context.requestRelay(peerNames);
        } catch {
          // The WebSocket closed: its close event ends this mediation.
        }
      },
      bindDatagram: context.relayBindDatagram,
    });
    const unsubscribes: (() => void)[] = [];
    let startTimer: NodeJS.Timeout | undefined;
    let peerList: PeerEndpoint[] | undefined;
    let reported = false;
    /** The report reached a live connection (not only the queue of a client away). */
    let reportDelivered = false;
    let underway = context.underway;
    /** Back while the mediation had just ended: a lobby_closed then means success. */
    let outcomeMissed = false;
    let settled = false;

    const settle = (outcome: () => void, succeeded = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(startTimer);
      if (succeeded) relay.handOver();
      else relay.stop();
      puncher.stop();
      for (const unsubscribe of unsubscribes) unsubscribe();
      outcome();
    };
    const fail = (error: Error) => settle(() => reject(error));
    const listen = <E extends OrionClientEvent>(event: E, listener: OrionClientEvents[E]) => {
      context.events.on(event, listener);
      unsubscribes.push(() => context.events.off(event, listener));
    };
    const report = () => {
      reported = true;
      try {
        if (context.reportSuccess()) reportDelivered = true;
      } catch (error) {
        fail(error as Error);
      }
    };
    const succeed = () => {
      if (!peerList) return;
      // Read now, not when the punch completed: a pair may have moved to the relay since.
      const peers = peerList.map((peer) => ({
        name: peer.name,
        ...(relay.endpointOf(peer.name) ?? puncher.endpointOf(peer.name) ?? peer),
      }));
      settle(() => resolve({ peers, relayed: relay.relayed }), true);
    };
    const startPunching = (peers: PeerEndpoint[]) => {
      clearTimeout(startTimer);
      underway = true;
      peerList = peers;
      relay.start(peers);
      relay.allocated(context.knownRelays);
      puncher.punch(peers, punchTimeoutMs).then(() => {
        if (!settled) report();
      }, fail);
    };

    listen('ptpMediation_aborted', ({ abortReason }) =>
      fail(new MediationAbortedError(abortReason)),
    );
    listen('lobby_closed', () => {
      if (outcomeMissed && reportDelivered) succeed();
      else fail(new MediationInterruptedError('The lobby closed before the mediation succeeded.'));
    });
    listen('lobby_kicked', () =>
      fail(new MediationInterruptedError('The host kicked this client out of the lobby.')),
    );
    listen('close', (code) =>
      fail(
        new MediationInterruptedError(
          `The connection to Orion closed (code ${code}) before the mediation succeeded.`,
        ),
      ),
    );
    listen('ptpMediation_relay_allocated', ({ relays }) => relay.allocated(relays));
    listen('ptpMediation_success', () => {
      // Orion only succeeds after our own report, which follows a complete punch.
      if (reported) succeed();
    });
    listen('ptpMediation_send', () => (underway = true));
    listen('ptpMediation_peersConnection_start', ({ peers }) => {
      if (!peerList) {
        startPunching(peers);
        return;
      }
      // Sent again to a member back from a dropped connection whose report Orion has not
      // had: report again if punching is done (else the punch reports when it completes).
      if (reported) report();
    });
    listen('back', (summary) => {
      // The link sent a report kept while away just before this, if a mediation still runs.
      const flushed = reported && summary.mediation !== null;
      switch (verdictOnResume(summary, { reportDelivered, underway })) {
        case 'succeeded':
          succeed();
          break;
        case 'interrupted':
          fail(
            new MediationInterruptedError(
              summary.lobby
                ? 'The mediation ended while the connection to Orion was down.'
                : 'The lobby closed while the connection to Orion was down.',
            ),
          );
          break;
        case 'awaitOutcome':
          outcomeMissed = true;
          break;
        case 'carryOn':
          break;
      }
      if (flushed) reportDelivered = true;
    });

    if (context.knownPeers) {
      startPunching(context.knownPeers);
      return;
    }
    if (options.startTimeoutMs !== undefined) {
      const waitMs = options.startTimeoutMs;
      startTimer = setTimeout(
        () =>
          fail(
            new MediationInterruptedError(
              `No ptpMediation_peersConnection_start arrived within ${waitMs} ms.`,
            ),
          ),
        waitMs,
      );
    }
  });
}
