import 'reflect-metadata';
import type { CommanderError } from 'commander';
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli/cli.module.js';
import { packageVersion } from './cli/package-version.js';
import { EXIT_USAGE } from './cli/subcommand.js';

await CommandFactory.run(CliModule, {
  logger: ['error', 'warn'],
  version: packageVersion(),
  // Commander has already printed its one-line message; only the exit code is ours.
  // --help, help and --version exit 0; every usage error (an unknown flag or command,
  // a bad value from a flag or the environment) exits 2, as in the subcommands.
  errorHandler: (error: Error) => {
    process.exit((error as CommanderError).exitCode === 0 ? 0 : EXIT_USAGE);
  },
  serviceErrorHandler: (error: Error) => {
    process.stderr.write(`orion: ${error.message}\n`);
    process.exit(1);
  },
});
