import type { DropCounts } from './simulate-drops.js';
import { FlowFailure } from './simulate-flow.js';

export interface SimulationResult {
  url: string;
  lobbies: number;
  membersPerLobby: number;
  succeeded: number;
  /** One reason per failed lobby. */
  failureReasons: string[];
  durationMs: number;
  /** With `--dropRate`: the sockets cut and the clients that resumed. */
  drops?: DropCounts;
}

/**
 * A failure as a reason that groups well: the stage and error kind, with the parts that
 * differ from lobby to lobby (addresses, ports, lobby ids) replaced by placeholders. The
 * server's own address (`serverUrl`'s host:port) is the same for every lobby and says
 * which server failed, so it stays.
 */
export function failureReason(error: unknown, serverUrl?: string): string {
  const stage = error instanceof FlowFailure ? error.stage : 'run';
  const cause = error instanceof FlowFailure ? error.cause : (error as Error);
  const kind = cause?.name && cause.name !== 'Error' ? `${cause.name}: ` : '';
  const server = serverUrl === undefined ? undefined : new URL(serverUrl).host;
  const address = (found: string) => (found === server ? found : '<address>');
  const message = String(cause?.message ?? cause)
    .replace(/\[[0-9a-fA-F:.]+\]:\d+/g, address)
    .replace(/\b\d{1,3}(\.\d{1,3}){3}:\d+/g, address)
    .replace(/\/lobbies\/[^/\s)]+/g, '/lobbies/<id>')
    .replace(/\blobby [A-Z0-9]{5}\b/g, 'lobby <id>')
    .replace(/\b\d+ seconds\b/g, 'N seconds');
  return `${stage}: ${kind}${message}`;
}

/** Reasons with how often each occurred, the most frequent first. */
export function groupReasons(reasons: readonly string[]): [reason: string, count: number][] {
  const counts = new Map<string, number>();
  for (const reason of reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** The summary printed to stdout at the end of `orion simulate`. */
export function formatSummary(result: SimulationResult): string {
  const seconds = result.durationMs / 1_000;
  // Succeeded flows only: failures against a dead server are fast, not throughput.
  const flowsPerSecond = seconds > 0 ? result.succeeded / seconds : 0;
  const lines = [
    `Simulated ${result.lobbies} lobbies of ${result.membersPerLobby} clients against ${result.url}`,
    `  lobbies succeeded: ${result.succeeded}`,
    `  lobbies failed:    ${result.failureReasons.length}`,
    `  clients:           ${result.lobbies * result.membersPerLobby}`,
    `  duration:          ${seconds.toFixed(2)} s`,
    `  flows/s:           ${flowsPerSecond.toFixed(2)}`,
  ];
  if (result.drops) {
    lines.push(
      `  sockets cut:       ${result.drops.dropped}`,
      `  clients resumed:   ${result.drops.resumed}`,
    );
  }
  const grouped = groupReasons(result.failureReasons);
  if (grouped.length > 0) {
    lines.push('Failure reasons:');
    for (const [reason, count] of grouped) lines.push(`  ${count} x ${reason}`);
  }
  return `${lines.join('\n')}\n`;
}
