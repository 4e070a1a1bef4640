import { spawn } from 'node:child_process';
import { mainJs, OrionProcess, repoRoot } from '../../orion/orion-process.js';
import { SERVER_WAN_IP } from './topology.js';

export const ORION_HTTP_PORT = 5980;
export const ORION_UDP_PORT = 5990;
/** The relay's ports (on: players behind symmetric NATs fall back to it). */
export const RELAY_PORTS = { first: 41_000, last: 41_031 } as const;

/** Short mediation timers: a lab mediation takes well under a second when punching works. */
export const LAB_TIMERS = {
  ptpmConnectRequestIntervalMs: 250,
  ptpmServerConnectTimeoutMs: 5_000,
  /** Longer than the peers' punch timeout, so a failed punch is the client's verdict first. */
  ptpmConnectTimeoutMs: 4_000,
} as const;

/**
 * Starts the built server inside the server namespace, listening on every address there, with
 * the relay on.
 */
export function startOrionIn(ns: string): OrionProcess {
  const flags = Object.entries({
    host: '0.0.0.0',
    httpPort: ORION_HTTP_PORT,
    udpPort: ORION_UDP_PORT,
    relayPorts: `${RELAY_PORTS.first}-${RELAY_PORTS.last}`,
    relayHost: SERVER_WAN_IP,
    ...LAB_TIMERS,
  }).flatMap(([key, value]) => [`--${key}`, String(value)]);
  return spawnOrionIn(ns, flags);
}

/**
 * `node dist/main.js ...args` inside `ns`. It keeps its state in memory whatever the test
 * environment says: a Redis on the host's loopback cannot be reached from inside the
 * namespace, and the tests run there are about the network, not the store.
 */
export function spawnOrionIn(ns: string, args: string[]): OrionProcess {
  const env = { ...process.env };
  delete env.ORION_REDIS_URL;
  delete env.ORION_REDIS_KEY_PREFIX;
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, mainJs, ...args], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new OrionProcess(child);
}

/** Stops the server at once: the lab has nothing to drain, and the namespace goes next. */
export async function stopOrion(orion: OrionProcess | undefined): Promise<void> {
  if (!orion) return;
  if (orion.running) orion.child.kill('SIGKILL');
  await orion.exit(5_000);
}
