import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli/cli.module.js';

await CommandFactory.run(CliModule, {
  logger: ['error', 'warn'],
  serviceErrorHandler: (error: Error) => {
    process.stderr.write(`orion: ${error.message}\n`);
    process.exit(1);
  },
});
