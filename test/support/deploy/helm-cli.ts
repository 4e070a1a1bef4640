import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const chartDir = fileURLToPath(new URL('../../../helm/orion', import.meta.url));
const fetchScript = fileURLToPath(new URL('../../../scripts/fetch-helm.mjs', import.meta.url));

/** One rendered Kubernetes object, as helm wrote it. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

export interface HelmRun {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/** Values as a chart user would write them in a values file. */
export type Values = Record<string, unknown>;

/**
 * The helm binary from scripts/fetch-helm.mjs, run against helm/orion with values files in a
 * temporary folder. Helm's own cache and config go there too, so nothing lands in $HOME.
 */
export class Helm {
  private valuesFiles = 0;

  private constructor(
    readonly binary: string,
    private readonly workDir: string,
  ) {}

  /** Fetches helm when it is not cached yet (a ~34 MB download the first time). */
  static async prepare(): Promise<Helm> {
    const fetched = await run(process.execPath, [fetchScript], {}, 300_000);
    if (!fetched.ok) throw new Error(`scripts/fetch-helm.mjs failed:\n${fetched.stderr}`);
    const workDir = await mkdtemp(join(tmpdir(), 'orion-helm-'));
    return new Helm(fetched.stdout.trim(), workDir);
  }

  /** `helm template` with the chart's defaults overridden by `values`. */
  async template(values: Values = {}, ...extraArgs: string[]): Promise<HelmRun> {
    const file = await this.valuesFile(values);
    return this.helm([
      'template',
      'orion',
      chartDir,
      '--namespace',
      'games',
      '-f',
      file,
      ...extraArgs,
    ]);
  }

  /** `helm lint --strict` with `values`. */
  async lint(values: Values = {}): Promise<HelmRun> {
    const file = await this.valuesFile(values);
    return this.helm(['lint', chartDir, '--strict', '-f', file]);
  }

  /** Every object `helm template` renders for `values`; a failed render throws its stderr. */
  async render(values: Values = {}): Promise<Manifest[]> {
    const rendered = await this.template(values);
    if (!rendered.ok) throw new Error(`helm template failed:\n${rendered.stderr}`);
    return parseManifests(rendered.stdout);
  }

  dispose(): Promise<void> {
    return rm(this.workDir, { recursive: true, force: true });
  }

  private async valuesFile(values: Values): Promise<string> {
    const file = join(this.workDir, `values-${++this.valuesFiles}.json`);
    await writeFile(file, JSON.stringify(values));
    return file;
  }

  private helm(args: string[]): Promise<HelmRun> {
    const env = {
      HELM_CACHE_HOME: join(this.workDir, 'cache'),
      HELM_CONFIG_HOME: join(this.workDir, 'config'),
      HELM_DATA_HOME: join(this.workDir, 'data'),
    };
    return run(this.binary, args, env, 30_000);
  }
}

/** The documents of a multi-document YAML stream, without the empty ones. */
export function parseManifests(yamlText: string): Manifest[] {
  return parseAllDocuments(yamlText)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`bad YAML: ${document.errors[0].message}`);
      return document.toJS() as Manifest | null;
    })
    .filter((manifest): manifest is Manifest => manifest !== null);
}

function run(
  command: string,
  args: string[],
  env: Record<string, string>,
  timeout: number,
): Promise<HelmRun> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { env: { ...process.env, ...env }, timeout, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ ok: error === null, stdout, stderr }),
    );
  });
}
