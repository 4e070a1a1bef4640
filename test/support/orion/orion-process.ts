import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { testRedisEnv } from '../redis/test-redis.js';
import { sleep, withTimeout } from '../timing.js';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
export const mainJs = fileURLToPath(new URL('../../../dist/main.js', import.meta.url));

/** Nest colours its log lines; the tests read them without the ANSI codes. */
export const stripAnsi = (text: string) => stripVTControlCharacters(text);
/** The one startup line: HTTP, WebSocket, UDP, docs and metrics addresses, and the mode. */
export const READY_LINE =
  /Orion is serving HTTP http:\/\/(\S+):(\d+), WebSocket ws:\/\/\S+, UDP \S+:(\d+), docs \S+, metrics \S+, mode (memory|redis [^\s"]+)/;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running `node dist/main.js`, with its output collected as text. */
export class OrionProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;

  constructor(readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    // 'close', not 'exit': a process can exit before its last output has been read, and a
    // loaded machine then hands a test a truncated stdout.
    this.exited = new Promise((resolve) =>
      child.once('close', (code, signal) => resolve({ code, signal })),
    );
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits for the "Orion is serving ..." line and returns the host and ports it names. */
  async ready(timeoutMs = 10_000): Promise<{ host: string; httpPort: number; udpPort: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = READY_LINE.exec(stripAnsi(this.stdout));
      if (match) {
        const host = match[1].replace(/^\[(.*)\]$/, '$1');
        return { host, httpPort: Number(match[2]), udpPort: Number(match[3]) };
      }
      if (!this.running) {
        throw new Error(`Orion exited before it was ready. stderr: ${this.stderr}`);
      }
      if (Date.now() > deadline) throw new Error(`Orion was not ready in time: ${this.stdout}`);
      await sleep(25);
    }
  }

  /** The exit, or an error if it takes longer than `timeoutMs`. */
  exit(timeoutMs: number): Promise<Exit> {
    return withTimeout(this.exited, timeoutMs, 'Orion to exit');
  }
}

/** Flags for a server on loopback with ports the OS picks (read them from the ready line). */
export const LOOPBACK_ANY_PORTS = ['--host', '127.0.0.1', '--httpPort', '0', '--udpPort', '0'];

/** Starts the built server; `env` is added to (or, with undefined, removed from) the environment. */
export function spawnOrion(
  args: string[],
  env: Record<string, string | undefined> = {},
): OrionProcess {
  const child = spawn(process.execPath, [mainJs, ...args], {
    cwd: repoRoot,
    env: definedOnly({ ...process.env, ...testRedisEnv(), ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new OrionProcess(child);
}

/** How long a run of {@link runToExit} may take to exit by itself. */
const RUN_TO_EXIT_WAIT_MS = 30_000;

/**
 * Runs orion with `args` to completion: it must exit by itself. The child is killed
 * here if it does not, so these runs can go concurrently without a shared afterEach.
 */
export function runToExit(...args: string[]): Promise<Exit & { stdout: string; stderr: string }> {
  return runToExitWithEnv({}, ...args);
}

export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Runs to completion like {@link runToExit}, with extra environment variables. */
export async function runToExitWithEnv(
  env: Record<string, string>,
  ...args: string[]
): Promise<Exit & { stdout: string; stderr: string }> {
  const run = spawnOrion(args, env);
  try {
    // A hang guard, not a speed check: on a loaded 2-core CI, concurrent runs that each load
    // the whole app took more than 10 s to exit.
    const exit = await run.exit(RUN_TO_EXIT_WAIT_MS);
    return { ...exit, stdout: run.stdout, stderr: run.stderr };
  } finally {
    if (run.running) run.child.kill('SIGKILL');
  }
}

/** Drops undefined entries so that a test can unset a variable the runner has. */
function definedOnly(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined));
}
