import {
  formatEndpoint,
  MediationAbortedError,
  PunchFailedError,
  type MediationResult,
} from '@orion/sdk';
import { cameFrom, sameEndpoint, type Datagram, type Endpoint } from './relay-check-udp.js';

/** How the report begins when nothing answered the request: the relay is off (opt-in). */
export const RELAY_OFF = 'off (no answer to ptpMediation_relay_request)';

/**
 * The `abortReason` Orion sends instead of an allocation when its relay is full, as
 * docs/protocol.md gives it: the probe is a client, and reads it as any client would.
 */
export const RELAY_FULL_REASON = 'The relay has no free ports.';

export interface RelayCheckResult {
  status: 'ok' | 'info';
  detail: string;
}

/** What one side of the relayed pair saw of its mediation. */
export interface SideView {
  name: string;
  peerName: string;
  /** `ptpMediation_peersConnection_start` arrived. */
  started: boolean;
  /** Where this side sends to reach its peer, once Orion allocated it. */
  relay: Endpoint | undefined;
  /** `ptpMediation_relay_bound` came back from `relay`. */
  bound: boolean;
}

/**
 * What a relay mediation that did not succeed says about the relay: off, when nothing
 * answered the request (returned as information); otherwise thrown, naming what failed.
 */
export function failedRelayMediation(error: Error, sides: readonly SideView[]): RelayCheckResult {
  const fail: (message: string) => never = (message) => {
    throw new Error(message, { cause: error });
  };
  if (error instanceof MediationAbortedError && error.reason === RELAY_FULL_REASON) {
    fail(`the relay is on but could not take the pair: ${error.message}`);
  }
  if (sides.length < 2 || !sides.every((side) => side.started)) {
    fail(`a second mediation, to ask for the relay, did not start: ${error.message}`);
  }
  const allocated = sides.filter((side) => side.relay !== undefined);
  if (allocated.length === 0) {
    if (error instanceof PunchFailedError) {
      return {
        status: 'info',
        detail:
          `${RELAY_OFF}: no ptpMediation_relay_allocated within ${error.timeoutMs} ms; ` +
          'Orion relays only when started with --relayPorts and --relayHost',
      };
    }
    // Orion's connect timeout ran out first: a relay that is on would have answered by then.
    if (error instanceof MediationAbortedError) {
      return { status: 'info', detail: `${RELAY_OFF} before ${error.message}` };
    }
  }
  if (!(error instanceof PunchFailedError)) throw error;
  const missing = sides.find((side) => side.relay === undefined);
  if (missing) {
    fail(
      `Orion sent ptpMediation_relay_allocated to the ${allocated[0].name} but not to the ` +
        `${missing.name} within ${error.timeoutMs} ms`,
    );
  }
  const relays = (bound: boolean) =>
    sides.filter((side) => side.bound === bound).map((side) => side.relay!);
  if (relays(false).length > 0) fail(unansweredBindMessage(relays(false), error.timeoutMs));
  return fail(
    `relay ${relays(true).map(formatEndpoint).join(' and ')} answered ptpMediation_relay_bind, ` +
      `but no hello passed through it within ${error.timeoutMs} ms`,
  );
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

/**
 * Why a mediation that succeeded did not end relayed as asked (the peer relayed, at the
 * relay endpoint Orion allocated), or undefined if it did.
 */
export function relayedPairProblem(side: SideView, result: MediationResult): string | undefined {
  const { name, peerName, relay } = side;
  if (result.relayed.length !== 1 || result.relayed[0] !== peerName) {
    const relayed = result.relayed.length === 0 ? 'no peer' : result.relayed.join(', ');
    return `the ${name}'s mediation ended with ${relayed} relayed instead of the ${peerName}`;
  }
  const peer = result.peers.find((candidate) => candidate.name === peerName);
  if (!relay || !peer || !sameEndpoint(peer, relay)) {
    const handed = peer ? formatEndpoint(peer) : 'nothing';
    const allocated = relay ? formatEndpoint(relay) : 'none';
    return `the ${name} was handed ${handed} for the ${peerName} instead of its allocated relay endpoint (${allocated})`;
  }
  return undefined;
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
