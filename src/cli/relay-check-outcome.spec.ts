import { describe, expect, it } from 'vitest';
import { MediationAbortedError, MediationInterruptedError, PunchFailedError } from '@orion/sdk';
import { ABORT_REASONS } from '../mediation/mediation.service.js';
import {
  failedRelayMediation,
  RELAY_FULL_REASON,
  relayedDatagramProblem,
  relayedPairProblem,
  unansweredBindMessage,
  type SideView,
} from './relay-check-outcome.js';

const RELAY = { ip: '198.51.100.20', port: 40000 };
const GUEST_RELAY = { ip: '198.51.100.20', port: 40001 };

/** The host and the guest, started, with what they saw of the relay. */
function sides(host: Partial<SideView> = {}, guest: Partial<SideView> = {}): [SideView, SideView] {
  const side = { started: true, relay: undefined, bound: false };
  return [
    { name: 'probe host', peerName: 'probe guest', ...side, ...host },
    { name: 'probe guest', peerName: 'probe host', ...side, ...guest },
  ];
}

const punchFailed = () =>
  new PunchFailedError([{ name: 'probe guest', ip: '127.0.0.1', port: 5000 }], 3000);

describe('failedRelayMediation: what a relay mediation that did not succeed means', () => {
  it('reports the relay off, as information, when punching timed out with nothing allocated', () => {
    expect(failedRelayMediation(punchFailed(), sides())).toEqual({
      status: 'info',
      detail:
        'off (no answer to ptpMediation_relay_request): no ptpMediation_relay_allocated within 3000 ms; ' +
        'Orion relays only when started with --relayPorts and --relayHost',
    });
  });

  it("reports the relay off when Orion's connect timeout ended the mediation before any allocation", () => {
    const aborted = new MediationAbortedError(ABORT_REASONS.connectTimeout);
    expect(failedRelayMediation(aborted, sides())).toEqual({
      status: 'info',
      detail: `off (no answer to ptpMediation_relay_request) before ${aborted.message}`,
    });
  });

  it('fails when the relay is full, with the reason Orion gave', () => {
    expect(() =>
      failedRelayMediation(new MediationAbortedError(RELAY_FULL_REASON), sides()),
    ).toThrow(
      'the relay is on but could not take the pair: Orion aborted the mediation: The relay has no free ports.',
    );
  });

  it('reads the relay-full reason exactly as Orion sends it', () => {
    expect(RELAY_FULL_REASON).toBe(ABORT_REASONS.relayFull);
  });

  it('fails, saying so, when the mediation never got to its peer lists', () => {
    const aborted = new MediationAbortedError(ABORT_REASONS.udpTimeout);
    expect(() => failedRelayMediation(aborted, sides({}, { started: false }))).toThrow(
      `a second mediation, to ask for the relay, did not start: ${aborted.message}`,
    );
    const refused = new Error('Orion at ws://127.0.0.1:1/ did not register this client');
    expect(() => failedRelayMediation(refused, [])).toThrow(/did not start: Orion at ws:/);
  });

  it('names the relay endpoints that never answered a bind', () => {
    expect(() =>
      failedRelayMediation(punchFailed(), sides({ relay: RELAY }, { relay: GUEST_RELAY })),
    ).toThrow(unansweredBindMessage([RELAY, GUEST_RELAY], 3000));
    expect(() =>
      failedRelayMediation(
        punchFailed(),
        sides({ relay: RELAY, bound: true }, { relay: GUEST_RELAY }),
      ),
    ).toThrow(unansweredBindMessage([GUEST_RELAY], 3000));
  });

  it('says the relay did not pass the hellos when both sides were bound', () => {
    const bound = sides({ relay: RELAY, bound: true }, { relay: GUEST_RELAY, bound: true });
    expect(() => failedRelayMediation(punchFailed(), bound)).toThrow(
      'relay 198.51.100.20:40000 and 198.51.100.20:40001 answered ptpMediation_relay_bind, but no hello passed through it within 3000 ms',
    );
  });

  it('names the side that got no allocation when the other did', () => {
    expect(() => failedRelayMediation(punchFailed(), sides({}, { relay: GUEST_RELAY }))).toThrow(
      'Orion sent ptpMediation_relay_allocated to the probe guest but not to the probe host within 3000 ms',
    );
  });

  it('fails with the reason itself once the relay answered', () => {
    const interrupted = new MediationInterruptedError(
      'The connection to Orion closed (code 1006) before the mediation succeeded.',
    );
    const allocated = sides({ relay: RELAY }, { relay: GUEST_RELAY });
    expect(() => failedRelayMediation(interrupted, allocated)).toThrow(interrupted);
    const aborted = new MediationAbortedError(ABORT_REASONS.connectTimeout);
    expect(() => failedRelayMediation(aborted, allocated)).toThrow(aborted);
  });
});

describe('relayedPairProblem: a mediation that succeeded, relayed as asked', () => {
  const [host] = sides({ relay: RELAY });
  const relayedAt = (endpoint: { ip: string; port: number }) => ({
    socket: undefined as never,
    peers: [{ name: 'probe guest', ...endpoint }],
    relayed: ['probe guest'],
  });

  it('accepts the peer relayed at the relay endpoint Orion allocated', () => {
    expect(relayedPairProblem(host, relayedAt(RELAY))).toBeUndefined();
  });

  it('refuses a peer that was not relayed', () => {
    expect(relayedPairProblem(host, { ...relayedAt(RELAY), relayed: [] })).toBe(
      "the probe host's mediation ended with no peer relayed instead of the probe guest",
    );
  });

  it('refuses a peer handed over at another endpoint', () => {
    expect(relayedPairProblem(host, relayedAt({ ip: '127.0.0.1', port: 5000 }))).toBe(
      'the probe host was handed 127.0.0.1:5000 for the probe guest instead of its allocated relay endpoint (198.51.100.20:40000)',
    );
  });
});

describe('relayedDatagramProblem: did the datagram come through the relay untouched', () => {
  const sent = Buffer.from('orion probe 0123456789abcdef');

  it('accepts the same bytes from the relay endpoint', () => {
    const received = { data: Buffer.from(sent), address: RELAY.ip, port: RELAY.port };
    expect(relayedDatagramProblem(received, sent, RELAY)).toBeUndefined();
  });

  it('names the source when the datagram came from elsewhere', () => {
    const received = { data: Buffer.from(sent), address: '198.51.100.21', port: 40000 };
    expect(relayedDatagramProblem(received, sent, RELAY)).toBe(
      'arrived from 198.51.100.21:40000 instead of the relay endpoint 198.51.100.20:40000',
    );
  });

  it('reports bytes changed or cut on the way', () => {
    const changed = Buffer.from(sent);
    changed[3] ^= 0xff;
    const from = { address: RELAY.ip, port: RELAY.port };
    expect(relayedDatagramProblem({ data: changed, ...from }, sent, RELAY)).toBe(
      `arrived changed (${sent.length} bytes sent, ${sent.length} bytes received)`,
    );
    expect(relayedDatagramProblem({ data: sent.subarray(0, 5), ...from }, sent, RELAY)).toBe(
      `arrived changed (${sent.length} bytes sent, 5 bytes received)`,
    );
  });
});

describe('unansweredBindMessage: a relay whose ports do not answer', () => {
  it('names each silent relay endpoint and points at the firewall and --relayHost', () => {
    const message = unansweredBindMessage([RELAY, { ip: '2001:db8::1', port: 40001 }], 3000);
    expect(message).toMatch(
      /^relay 198\.51\.100\.20:40000 and \[2001:db8::1\]:40001 did not answer ptpMediation_relay_bind within 3000 ms \(Orion allocated them,/,
    );
    expect(message).toContain('--relayPorts');
    expect(message).toContain('--relayHost');
    expect(unansweredBindMessage([RELAY], 10)).toContain('(Orion allocated it,');
  });
});
