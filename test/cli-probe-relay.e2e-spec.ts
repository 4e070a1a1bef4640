/**
 * `orion probe` against a server with the relay on (issue 17): the relay works from outside,
 * or its ports are firewalled and the probe fails naming them. The relay off is in
 * cli-probe.e2e-spec.ts, with the healthy server.
 */
import { existsSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deleteLabNamespace, labPrefix } from './support/labs/nat-lab/lab-names.js';
import { spawnOrionIn } from './support/labs/nat-lab/lab-orion.js';
import { natLabUnavailableReason } from './support/labs/nat-lab/lab-requirements.js';
import { iptablesIn, run } from './support/labs/nat-lab/shell.js';
import { failIfRequired } from './support/labs/required-labs.js';
import { metricValue } from './support/orion/metrics.js';
import { mainJs, OrionProcess, spawnOrion } from './support/orion/orion-process.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import { freePortRange, portsOf } from './support/relay/free-port-range.js';

/** A token is 43 URL-safe characters; nothing the CLI prints may look like one. */
const TOKEN_LIKE = /[A-Za-z0-9_-]{43}/;

/** Runs a finished `orion` child to its exit, killing it if it overstays `limitMs`. */
async function toExit(run: OrionProcess, limitMs: number) {
  try {
    const exit = await run.exit(limitMs);
    return { ...exit, stdout: run.stdout, stderr: run.stderr };
  } finally {
    if (run.running) run.child.kill('SIGKILL');
  }
}

beforeAll(() => {
  if (!existsSync(mainJs)) throw new Error('dist/main.js is missing: run `npm run build` first');
});

describe('orion probe with the relay on', () => {
  let orion: OrionTestApp | undefined;

  afterEach(async () => {
    await orion?.close();
    orion = undefined;
  });

  it('binds both sides, passes a datagram each way through the relay, and exits 0', async () => {
    const relayPorts = await freePortRange(4);
    orion = await startOrion({ relayPorts, relayHost: '127.0.0.1', ptpmConnectTimeoutMs: 10_000 });
    const result = await toExit(
      spawnOrion(['probe', orion.httpUrl, '--timeoutMs', '8000']),
      15_000,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const line =
      /^ {2}ok {4}UDP relay: relay endpoints 127\.0\.0\.1:(\d+) \(probe host's\) and 127\.0\.0\.1:(\d+) \(probe guest's\) bound; one datagram each way arrived unmodified from the relay endpoint; ptpMediation_success$/m.exec(
        result.stdout,
      );
    expect(line, result.stdout).not.toBeNull();
    const [hostPort, guestPort] = [Number(line![1]), Number(line![2])];
    expect(portsOf(relayPorts)).toEqual(expect.arrayContaining([hostPort, guestPort]));
    expect(hostPort).not.toBe(guestPort);
    expect(result.stdout).toContain('Probe passed');
    expect(result.stdout).not.toMatch(TOKEN_LIKE);
    // The server's own count: the datagrams really went through its relay.
    expect(
      await metricValue(orion, 'orion_relay_datagrams_total{result="relayed"}'),
    ).toBeGreaterThanOrEqual(2);
  });
});

const unavailable = natLabUnavailableReason();
if (unavailable) console.warn(`probe relay firewall test skipped: ${unavailable}.`);
failIfRequired('The probe relay firewall test', unavailable);

/**
 * The relay binds the address it hands out, so on one loopback its ports always answer.
 * A namespace of the test's own, with a firewall rule that drops UDP to the relay's ports,
 * is what a relay behind a closed firewall looks like from outside.
 */
describe.skipIf(unavailable !== undefined)('orion probe against a firewalled relay', () => {
  const ns = `${labPrefix()}probe-relay`;
  const RELAY_PORTS = '40000-40003';
  let server: OrionProcess | undefined;

  afterEach(async () => {
    if (server?.running) server.child.kill('SIGKILL');
    await server?.exit(5_000);
    server = undefined;
    await deleteLabNamespace(ns);
  });

  it('fails, naming the relay endpoints that never answered the bind, and exits 1', async () => {
    await deleteLabNamespace(ns);
    await run('ip', ['netns', 'add', ns]);
    await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    await iptablesIn(ns, [
      '-A',
      'INPUT',
      '-p',
      'udp',
      '--dport',
      RELAY_PORTS.replace('-', ':'),
      '-j',
      'DROP',
    ]);
    server = spawnOrionIn(ns, [
      ...['--host', '127.0.0.1', '--httpPort', '5980', '--udpPort', '5990'],
      ...['--relayPorts', RELAY_PORTS, '--relayHost', '127.0.0.1'],
    ]);
    await server.ready(15_000);

    const result = await toExit(
      spawnOrionIn(ns, ['probe', 'http://127.0.0.1:5980', '--timeoutMs', '6000']),
      15_000,
    );
    expect(result.code).toBe(1);
    // Punching on loopback is not firewalled; only the relay's ports are.
    expect(result.stdout).toMatch(/^ {2}ok {4}Hole punch and mediation: /m);
    const message =
      /relay 127\.0\.0\.1:4000[0-3] and 127\.0\.0\.1:4000[0-3] did not answer ptpMediation_relay_bind within 3000 ms \(Orion allocated them, but no ptpMediation_relay_bound came back\): are the relay ports \(--relayPorts\) open to UDP from players, and is --relayHost the address players reach\?/;
    expect(result.stdout).toMatch(new RegExp(`^ {2}FAIL {2}UDP relay: ${message.source}$`, 'm'));
    expect(result.stderr).toMatch(new RegExp(`^orion probe: ${message.source}$`, 'm'));
    expect(result.stdout + result.stderr).not.toMatch(TOKEN_LIKE);
  }, 40_000);
});
