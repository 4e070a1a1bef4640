import { execFile, execFileSync } from 'node:child_process';

/** Every lab command is bounded: a hung `ip` or `iptables` fails the test instead of stalling it. */
const COMMAND_TIMEOUT_MS = 10_000;

/** Runs a command to completion and returns its stdout; a failure names the command and its stderr. */
export function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { timeout: COMMAND_TIMEOUT_MS, killSignal: 'SIGKILL', encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(`${[command, ...args].join(' ')} failed: ${stderr.trim() || error.message}`),
          );
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

/** Runs a command inside network namespace `ns`. */
export function runIn(ns: string, command: string, args: string[]): Promise<string> {
  return run('ip', ['netns', 'exec', ns, command, ...args]);
}

/** iptables inside `ns`; `-w` waits for the xtables lock that namespaces share through /run. */
export function iptablesIn(ns: string, args: string[]): Promise<string> {
  return runIn(ns, 'iptables', ['-w', '5', ...args]);
}

/** The synchronous form, for the checks Vitest needs before it collects the tests. */
export function runSync(command: string, args: string[]): string {
  return execFileSync(command, args, {
    timeout: COMMAND_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
