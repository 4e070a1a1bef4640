import type { Command, CommanderError } from 'commander';
import { InvalidArgumentError } from 'commander';
import { CommandRunner } from 'nest-commander';

/** Exit code for a command line that could not be parsed, as for an invalid server setting. */
export const EXIT_USAGE = 2;
/** Exit code for a check or a run that did not succeed. */
export const EXIT_FAILED = 1;

/**
 * Base of the client-side subcommands (probe, simulate). nest-commander gives main.ts's
 * errorHandler to the root command only; subcommands would otherwise exit 1 on a bad
 * flag, which a script could not tell from a failed check. Here every usage error exits
 * 2 (commander has already printed it), and --help still exits 0.
 */
export abstract class OrionSubcommand extends CommandRunner {
  override setCommand(command: Command): this {
    command.exitOverride((error: CommanderError) => {
      process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE);
    });
    return super.setCommand(command);
  }
}

/** A flag parser for whole numbers in a range; commander turns the throw into exit 2. */
export function wholeNumberIn(min: number, max: number) {
  return (raw: string): number => {
    const trimmed = raw.trim();
    const value = Number(trimmed);
    if (!/^\d+$/.test(trimmed) || value < min || value > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return value;
  };
}

/** A share from 0 to 1, such as `0.25`. */
export function shareOf(raw: string): number {
  const trimmed = raw.trim();
  const value = Number(trimmed);
  if (!/^(0|1|0?\.\d+|1\.0*)$/.test(trimmed) || value < 0 || value > 1) {
    throw new InvalidArgumentError('expected a number from 0 to 1, such as 0.25');
  }
  return value;
}

/** Orion's base URL: http(s), a host, and nothing that looks like a path or a query. */
export function orionUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new InvalidArgumentError('expected a URL such as http://127.0.0.1:5980');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new InvalidArgumentError(
      'expected an http:// or https:// URL such as http://127.0.0.1:5980',
    );
  }
  return url.origin;
}

/**
 * Makes sure the process ends even if some handle (a socket the OS is slow to release)
 * would keep it alive. The timer is unref'd, so it never delays a normal exit.
 */
export function exitSoonAfterRun(graceMs = 2_000): void {
  setTimeout(() => process.exit(), graceMs).unref();
}
