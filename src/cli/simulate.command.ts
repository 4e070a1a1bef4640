import { Command, Option } from 'nest-commander';
import { ProgressBar } from './progress-bar.js';
import { runSimulation } from './simulate-run.js';
import { formatSummary } from './simulate-summary.js';
import {
  EXIT_FAILED,
  exitSoonAfterRun,
  OrionSubcommand,
  orionUrl,
  shareOf,
  wholeNumberIn,
} from './subcommand.js';

export interface SimulateFlags {
  lobbies: number;
  members: number;
  url: string;
  concurrency: number;
  timeoutMs: number;
  dropRate: number;
  dropWithinMs: number;
}

/**
 * `orion simulate`: drives whole lobby flows through the SDK against a server, for a
 * quick load or soak check. Progress on stderr, summary on stdout; exit 0 only if every
 * lobby succeeded. Mind the server's --httpRateLimit: every flow sends members + 1 POSTs.
 */
@Command({
  name: 'simulate',
  description: 'Run N full lobby flows (host + members, chat, mediation) against an Orion server.',
})
export class SimulateCommand extends OrionSubcommand {
  async run(_args: string[], flags: SimulateFlags): Promise<void> {
    const progress = new ProgressBar(flags.lobbies, process.stderr);
    const result = await runSimulation(
      {
        url: flags.url,
        lobbies: flags.lobbies,
        members: flags.members,
        concurrency: flags.concurrency,
        flowTimeoutMs: flags.timeoutMs,
        dropRate: flags.dropRate,
        dropWithinMs: flags.dropWithinMs,
      },
      progress,
    );
    process.stdout.write(formatSummary(result));
    if (result.failureReasons.length > 0) process.exitCode = EXIT_FAILED;
    exitSoonAfterRun();
  }

  @Option({ flags: '--lobbies <count>', description: 'how many lobbies to run', required: true })
  parseLobbies(raw: string): number {
    return wholeNumberIn(1, 100_000)(raw);
  }

  @Option({
    flags: '--members <count>',
    description: 'clients per lobby, the host included (2 to 64)',
    required: true,
  })
  parseMembers(raw: string): number {
    return wholeNumberIn(2, 64)(raw);
  }

  @Option({
    flags: '--url <url>',
    description: "Orion's HTTP/WebSocket URL",
    defaultValue: 'http://127.0.0.1:5980',
  })
  parseUrl(raw: string): string {
    return orionUrl(raw);
  }

  @Option({
    flags: '--concurrency <count>',
    description: 'how many lobbies run at the same time',
    defaultValue: 10,
  })
  parseConcurrency(raw: string): number {
    return wholeNumberIn(1, 1_000)(raw);
  }

  @Option({
    flags: '--timeoutMs <ms>',
    description: 'limit for each lobby flow',
    defaultValue: 30_000,
  })
  parseTimeoutMs(raw: string): number {
    return wholeNumberIn(1, 3_600_000)(raw);
  }

  @Option({
    flags: '--dropRate <share>',
    description:
      "share of clients (0 to 1) whose socket is cut once at a random moment; they reconnect and resume, which needs the server's --reconnectGraceMs",
    defaultValue: 0,
  })
  parseDropRate(raw: string): number {
    return shareOf(raw);
  }

  @Option({
    flags: '--dropWithinMs <ms>',
    description: 'each cut comes within this long after its client connected',
    defaultValue: 2_000,
  })
  parseDropWithinMs(raw: string): number {
    return wholeNumberIn(1, 3_600_000)(raw);
  }
}
