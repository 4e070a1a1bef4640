import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventLinesChild, type ChildEvent } from '../labs/event-lines-child.js';
import { repoRoot } from '../orion/orion-process.js';

/** The Unity package (clients/unity) and the console driver the e2e test runs it through. */
export const unityPackage = join(repoRoot, 'clients/unity');
/** The console driver: the e2e scenarios, and the NAT lab's C# member (LabPeer.cs). */
const driverSources = ['OrionTestDriver.cs', 'LabPeer.cs'].map((file) =>
  join(repoRoot, 'test/support/unity', file),
);

/**
 * Unity accepts C# 7.3; Debian's mcs stops at 7.2, a subset, so code that builds here builds
 * on every Unity that can run the package.
 */
const LANG_VERSION = '7.2';
/** Every line the driver means for us starts with this. */
const EVENT_PREFIX = 'ORION_TEST ';

/** Why the Unity client tests cannot run here, or undefined when they can (checked at collection). */
export function unityUnavailableReason(): string | undefined {
  for (const tool of ['mcs', 'mono']) {
    const probe = spawnSync(tool, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    if (probe.error || probe.status !== 0) {
      return `\`${tool}\` is not on PATH (Debian: apt-get install -y mono-mcs)`;
    }
  }
  return undefined;
}

/** The package's runtime sources, as Unity compiles them (Tests~ and hidden folders are not). */
export function runtimeSources(): string[] {
  return readdirSync(join(unityPackage, 'Runtime'), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.cs'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/**
 * Orion.Client.dll from the package, warnings as errors, and the driver as a separate
 * assembly that sees only its public surface, as a game's scripts would.
 */
export class UnityBuild {
  readonly dir = mkdtempSync(join(tmpdir(), 'orion-unity-'));
  readonly library = join(this.dir, 'Orion.Client.dll');
  readonly driver = join(this.dir, 'OrionTestDriver.exe');

  compile(): void {
    const common = [`-langversion:${LANG_VERSION}`, '-warnaserror+', '-nologo'];
    run('mcs', [...common, '-target:library', `-out:${this.library}`, ...runtimeSources()]);
    run('mcs', [...common, `-out:${this.driver}`, `-r:${this.library}`, ...driverSources]);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A running driver scenario, its ORION_TEST lines parsed as they arrive. */
export class UnityDriver extends EventLinesChild {
  /** `mono OrionTestDriver.exe <scenario> --name value ...`, with `stdin` written and closed. */
  static start(
    label: string,
    build: UnityBuild,
    scenario: string,
    args: Record<string, string | number> = {},
    stdin = '',
  ): UnityDriver {
    const flags = Object.entries(args).flatMap(([key, value]) => [`--${key}`, `${value}`]);
    const child = spawn('mono', [build.driver, scenario, ...flags], {
      cwd: build.dir,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end(stdin);
    return new UnityDriver(label, child, parseDriverLine);
  }
}

function run(tool: string, args: string[]): void {
  const result = spawnSync(tool, args, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(`${tool} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** An `ORION_TEST {json}` line of the driver as an event; any other line is not one. */
export function parseDriverLine(line: string): ChildEvent | undefined {
  if (!line.startsWith(EVENT_PREFIX)) return undefined;
  return JSON.parse(line.slice(EVENT_PREFIX.length)) as ChildEvent;
}
