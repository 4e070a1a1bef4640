import 'reflect-metadata';
import type { CommanderError } from 'commander';
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli/cli.module.js';

/** Exit code for an invalid setting, from a flag or from the environment. */
const EXIT_INVALID_SETTING = 2;

await CommandFactory.run(CliModule, {
  logger: ['error', 'warn'],
  // Commander has already printed its one-line message; only the exit code is ours.
  errorHandler: (error: Error) => {
    const { code, exitCode } = error as CommanderError;
    if (code === 'commander.invalidArgument') process.exit(EXIT_INVALID_SETTING);
    process.exit(exitCode);
  },
  serviceErrorHandler: (error: Error) => {
    process.stderr.write(`orion: ${error.message}\n`);
    process.exit(1);
  },
});
