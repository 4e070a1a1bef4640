import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventLinesChild, type ChildEvent } from './event-lines-child.js';
import { repoRoot } from '../orion/orion-process.js';

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
export type GodotEvent = ChildEvent;

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
export class GodotProcess extends EventLinesChild {
  private constructor(label: string, child: ChildProcess) {
    super(label, child, parseGodotLine);
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
}

/** Only lines with the ORION_TEST prefix are events; the rest is Godot's own output. */
function parseGodotLine(line: string): ChildEvent | undefined {
  if (!line.startsWith(EVENT_PREFIX)) return undefined;
  return JSON.parse(line.slice(EVENT_PREFIX.length)) as ChildEvent;
}
