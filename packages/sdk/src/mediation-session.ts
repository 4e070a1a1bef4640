import type { Socket } from 'node:dgram';
import type { PeerEndpoint } from '@orion/protocol';
import type { ClientEventSource, OrionClientEvent, OrionClientEvents } from './client-events.js';
import { MediationAbortedError, MediationInterruptedError } from './errors.js';
import { HolePuncher } from './hole-punch.js';
import type { PunchSchedule } from './punch-schedule.js';

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
}

export const DEFAULT_PUNCH_TIMEOUT_MS = 5_000;

export interface MediationContext {
  events: ClientEventSource;
  socket: Socket;
  selfName: string;
  /** The peers from a `ptpMediation_peersConnection_start` that arrived before the call. */
  knownPeers: PeerEndpoint[] | undefined;
  /** Sends `ptpMediation_peersConnection_success` over the WebSocket. */
  reportSuccess(): void;
}

/**
 * One client's part of a mediation, from the peer list to `ptpMediation_success`:
 * punch every peer, report success once all answered, keep answering their hellos, and
 * resolve with the peers as reached. Every way the mediation can end without success
 * rejects with an error saying which, so that the caller never waits forever.
 */
export function runMediation(
  context: MediationContext,
  options: MediateOptions = {},
): Promise<PeerEndpoint[]> {
  const punchTimeoutMs = options.punchTimeoutMs ?? DEFAULT_PUNCH_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    // Answering hellos starts now: a peer may punch before our own peer list arrives.
    const puncher = new HolePuncher({
      socket: context.socket,
      selfName: context.selfName,
      schedule: options.schedule,
    });
    const unsubscribes: (() => void)[] = [];
    let startTimer: NodeJS.Timeout | undefined;
    let reached: PeerEndpoint[] | undefined;
    let settled = false;

    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(startTimer);
      puncher.stop();
      for (const unsubscribe of unsubscribes) unsubscribe();
      outcome();
    };
    const fail = (error: Error) => settle(() => reject(error));
    const listen = <E extends OrionClientEvent>(event: E, listener: OrionClientEvents[E]) => {
      context.events.on(event, listener);
      unsubscribes.push(() => context.events.off(event, listener));
    };
    const startPunching = (peers: PeerEndpoint[]) => {
      clearTimeout(startTimer);
      puncher.punch(peers, punchTimeoutMs).then((asReached) => {
        if (settled) return;
        reached = asReached;
        try {
          context.reportSuccess();
        } catch (error) {
          fail(error as Error);
        }
      }, fail);
    };

    listen('ptpMediation_aborted', ({ abortReason }) =>
      fail(new MediationAbortedError(abortReason)),
    );
    listen('lobby_closed', () =>
      fail(new MediationInterruptedError('The lobby closed before the mediation succeeded.')),
    );
    listen('close', (code) =>
      fail(
        new MediationInterruptedError(
          `The connection to Orion closed (code ${code}) before the mediation succeeded.`,
        ),
      ),
    );
    listen('ptpMediation_success', () => {
      // Orion only succeeds after our own report, which follows a complete punch.
      if (reached) settle(() => resolve(reached!));
    });

    if (context.knownPeers) {
      startPunching(context.knownPeers);
      return;
    }
    let started = false;
    listen('ptpMediation_peersConnection_start', ({ peers }) => {
      if (started) return;
      started = true;
      startPunching(peers);
    });
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
