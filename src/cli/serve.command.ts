import { Logger } from '@nestjs/common';
import { type Command, InvalidArgumentError } from 'commander';
import { CommandRunner, Option, RootCommand } from 'nest-commander';
import { createOrionApp } from '../app.factory.js';
import { BindHost } from '../config/bind-host.js';
import type { OrionSettings } from '../config/orion-config.js';
import { buildConfig, SETTINGS } from '../config/settings.js';
import { MetricsServer } from '../metrics/metrics-server.js';
import { shutDownGracefully } from '../shutdown/graceful-shutdown.js';
import { UdpListenerService } from '../udp/udp-listener.service.js';
import { startupLine } from './startup-line.js';
import { EXIT_USAGE } from './subcommand.js';

/** `orion [flags]`: starts the server and runs until SIGINT or SIGTERM, then drains. */
@RootCommand({
  name: 'orion',
  description: 'Start the Orion lobby and peer-to-peer mediation server.',
})
export class ServeCommand extends CommandRunner {
  /**
   * The root command takes no arguments, but commander hands any word to its action: a
   * typo such as `orion hlep` would start a server. `help [command]` prints the help
   * instead, and any other word exits 2 (main.ts's errorHandler) before anything starts.
   */
  override setCommand(command: Command): this {
    command.addHelpCommand(true);
    command.hook('preAction', (root, actionCommand) => {
      if (actionCommand !== root || root.args.length === 0) return;
      root.error(`orion: unknown command '${root.args[0]}'. Run 'orion --help'.`, {
        exitCode: EXIT_USAGE,
        code: 'orion.unknownCommand',
      });
    });
    return super.setCommand(command);
  }

  async run(_args: string[], options: Partial<OrionSettings> = {}): Promise<void> {
    const config = buildConfig(options);
    const app = await createOrionApp(config);
    const address = app.getHttpServer().address();
    const line = startupLine({
      host: app.get(BindHost).address,
      httpPort: typeof address === 'object' && address ? address.port : config.httpPort,
      udpPort: app.get(UdpListenerService).port,
      metricsPort: app.get(MetricsServer).port,
      redisUrl: config.redisUrl,
      relay:
        config.relayPorts && config.relayHost
          ? { host: config.relayHost, ports: config.relayPorts }
          : undefined,
    });
    const logger = new Logger('Orion');
    logger.log(line);

    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    logger.log(`Received ${signal}, shutting down`);
    await shutDownGracefully(app, config.shutdownGraceMs);
  }
}

// One parser method and one flag per setting, generated from the settings table so
// that a new setting needs no code here. Commander applies the precedence: the flag,
// then the setting's ORION_* environment variable, then the default.
for (const setting of SETTINGS) {
  const methodName = `parse_${setting.key}`;
  const descriptor: PropertyDescriptor = {
    value: (raw: unknown) => {
      // A bare switch arrives without a string (commander passes null or its preset).
      if (setting.isSwitch && typeof raw !== 'string') return true;
      try {
        return setting.parse(String(raw));
      } catch (error) {
        throw new InvalidArgumentError((error as Error).message);
      }
    },
    writable: true,
    configurable: true,
  };
  Object.defineProperty(ServeCommand.prototype, methodName, descriptor);
  Option({
    flags: `${setting.flag} ${setting.isSwitch ? `[${setting.valueName}]` : `<${setting.valueName}>`}`,
    description: setting.description,
    // A switch shows no default: nest-commander would also make it the bare flag's value.
    defaultValue: setting.isSwitch ? undefined : setting.default,
    env: setting.env,
  })(ServeCommand.prototype, methodName, descriptor);
}
