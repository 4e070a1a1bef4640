import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './orion-process.js';

/** The headless Godot 3 binary Debian ships (`apt-get install -y godot3-server`). */
export const GODOT = 'godot3-server';
/** The Godot project holding the addon, its example and the test scripts. */
export const godotProject = join(repoRoot, 'clients/godot');

/** Every line a test script means for us starts with this (see tests/test_report.gd). */
const EVENT_PREFIX = 'ORION_TEST ';

/** Why the Godot tests cannot run here, or undefined when they can (checked at collection). */
export function godotUnavailableReason(): string | undefined {
  const probe = spawnSync(GODOT, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (probe.error) {
    return `\`${GODOT}\` is not on PATH (Debian: apt-get install -y godot3-server)`;
  }
  if (!probe.stdout.startsWith('3.'))
    return `\`${GODOT} --version\` is not Godot 3: ${probe.stdout}`;
  return undefined;
}

/** One JSON event a Godot test script printed. */
export interface GodotEvent {
  event: string;
  [key: string]: unknown;
}

/**
 * A throwaway HOME for the Godot children: Godot 3 writes its user data and settings under
 * HOME/XDG dirs, which may not be writable (or must not be touched) where the tests run.
 */
export class GodotHome {
  readonly dir = mkdtempSync(join(tmpdir(), 'orion-godot-'));

  get env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      HOME: this.dir,
      XDG_DATA_HOME: join(this.dir, 'data'),
      XDG_CONFIG_HOME: join(this.dir, 'config'),
      XDG_CACHE_HOME: join(this.dir, 'cache'),
      // Godot 3 reads its locale from LANG and logs an error for "C".
      LANG: 'en_US.UTF-8',
    };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A running `godot3-server`, its ORION_TEST lines parsed as they arrive. */
export class GodotProcess {
  readonly events: GodotEvent[] = [];
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private partial = '';
  private readonly listeners = new Set<() => void>();

  private constructor(
    readonly label: string,
    private readonly child: ChildProcess,
  ) {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => this.read(chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve(signal ? null : code));
      child.once('error', () => resolve(null));
    });
    void this.exited.then(() => this.notify());
  }

  /** `godot3-server --no-window --path clients/godot <godotArgs> [-- <scriptArgs>]`. */
  static start(
    label: string,
    home: GodotHome,
    godotArgs: string[],
    scriptArgs: Record<string, string | number> = {},
  ): GodotProcess {
    const extra = Object.entries(scriptArgs).flatMap(([key, value]) => [`--${key}`, `${value}`]);
    const args = ['--no-window', '--path', godotProject, ...godotArgs];
    if (extra.length > 0) args.push('--', ...extra);
    const child = spawn(GODOT, args, { env: home.env, stdio: ['ignore', 'pipe', 'pipe'] });
    return new GodotProcess(label, child);
  }

  /** Runs a SceneTree script from clients/godot/tests with `--name value` arguments. */
  static script(
    label: string,
    home: GodotHome,
    script: string,
    scriptArgs: Record<string, string | number> = {},
  ): GodotProcess {
    return GodotProcess.start(label, home, ['-s', `res://tests/${script}`], scriptArgs);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  eventsOf(name: string): GodotEvent[] {
    return this.events.filter((event) => event.event === name);
  }

  /** The first `name` event, waiting for it; fails if the process exits or time runs out. */
  async waitFor(name: string, timeoutMs: number): Promise<GodotEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.eventsOf(name)[0];
      if (found) return found;
      if (!this.running)
        throw new Error(`${this.label} exited without "${name}". ${this.describe()}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`${this.label} printed no "${name}" in time. ${this.describe()}`);
      await this.nextChange(left);
    }
  }

  /** The exit code, or an error naming what the process said if it runs past `timeoutMs`. */
  async exit(timeoutMs: number): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`${this.label} did not exit within ${timeoutMs} ms. ${this.describe()}`),
          ),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills the process if it still runs, and waits for it to be gone. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** What the script reported, for failure messages: its events and the end of its stderr. */
  describe(): string {
    const events = this.events.map((event) => JSON.stringify(event)).join('\n  ');
    const stderr = this.stderr.trim().split('\n').slice(-15).join('\n  ');
    return `Events:\n  ${events || '(none)'}\nstderr (last lines):\n  ${stderr || '(empty)'}`;
  }

  private read(chunk: string): void {
    this.stdout += chunk;
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop()!;
    for (const line of lines) {
      if (!line.startsWith(EVENT_PREFIX)) continue;
      this.events.push(JSON.parse(line.slice(EVENT_PREFIX.length)) as GodotEvent);
    }
    this.notify();
  }

  private nextChange(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.listeners.add(done);
    });
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
