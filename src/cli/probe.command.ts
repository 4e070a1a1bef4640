import { Command, Option } from 'nest-commander';
import { runProbe, type CheckLine } from './probe-checks.js';
import {
  EXIT_FAILED,
  EXIT_USAGE,
  exitSoonAfterRun,
  OrionSubcommand,
  orionUrl,
  wholeNumberIn,
} from './subcommand.js';

export interface ProbeFlags {
  timeoutMs: number;
  udpHost?: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const STATUS_LABEL: Record<CheckLine['status'], string> = {
  ok: 'ok  ',
  warn: 'WARN',
  info: 'info',
  fail: 'FAIL',
  skip: 'skip',
};

/**
 * `orion probe <url>`: checks a deployment from a client's point of view, with two real
 * SDK clients going through a private lobby and a full mediation, then the relay, if it
 * is on, with a second mediation. One line per check; exit 0 only if every check passed
 * (a warning, or information such as "relay: off", does not fail the probe).
 */
@Command({
  name: 'probe',
  arguments: '<url>',
  description:
    'Check an Orion deployment end to end with two clients (HTTP, WebSocket, UDP, punching, relay).',
  argsDescription: { url: "Orion's HTTP/WebSocket URL, e.g. http://127.0.0.1:5980" },
})
export class ProbeCommand extends OrionSubcommand {
  async run([rawUrl]: string[], flags: ProbeFlags): Promise<void> {
    let url: string;
    try {
      url = orionUrl(rawUrl);
    } catch (error) {
      process.stderr.write(`error: invalid url '${rawUrl}': ${(error as Error).message}\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    const timeoutMs = flags.timeoutMs;
    process.stdout.write(`Probing Orion at ${url} (timeout ${timeoutMs} ms)\n`);
    const outcome = await runProbe({ url, timeoutMs, udpHost: flags.udpHost }, (line) =>
      process.stdout.write(`  ${STATUS_LABEL[line.status]}  ${line.check}: ${line.detail}\n`),
    );
    if (outcome.passed) {
      process.stdout.write('Probe passed: every check succeeded.\n');
    } else {
      process.stderr.write(`orion probe: ${outcome.failure}\n`);
      process.exitCode = EXIT_FAILED;
    }
    exitSoonAfterRun();
  }

  @Option({
    flags: '--timeoutMs <ms>',
    description: 'limit for the whole probe',
    defaultValue: DEFAULT_TIMEOUT_MS,
  })
  parseTimeoutMs(raw: string): number {
    return wholeNumberIn(1, 3_600_000)(raw);
  }

  @Option({
    flags: '--udpHost <host>',
    description: "where to send UDP datagrams (default: the url's host)",
  })
  parseUdpHost(raw: string): string {
    return raw.trim();
  }
}
