import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  argsOf,
  dockerignorePatterns,
  execForm,
  isIgnored,
  parseDockerfile,
  type Stage,
} from './support/deploy/dockerfile-instructions.js';
import { repoRoot } from './support/orion/orion-process.js';

// Static checks: no Docker daemon here, so the file is read, not built.
const stages = parseDockerfile(readFileSync(`${repoRoot}/Dockerfile`, 'utf8'));
const dockerignore = dockerignorePatterns(readFileSync(`${repoRoot}/.dockerignore`, 'utf8'));
const finalStage = stages[stages.length - 1];

/** The image a stage finally rests on, following `FROM <earlier stage>` links. */
function imageOf(stage: Stage): string {
  const parent = stages.find((candidate) => candidate.name === stage.base && candidate !== stage);
  return parent ? imageOf(parent) : stage.base;
}

/** Stages that `stage` copies from with COPY --from=<name>. */
function copiedFrom(stage: Stage, what: RegExp): Stage[] {
  return argsOf(stage, 'COPY')
    .filter((args) => what.test(args))
    .map((args) => /--from=(\S+)/.exec(args)?.[1])
    .map((name) => stages.find((candidate) => candidate.name === name))
    .filter((found): found is Stage => found !== undefined);
}

const PRODUCTION_INSTALL =
  /\bnpm\s+(ci|install|i|prune)\b[^&;|]*(--omit[= ]dev|--production|--only[= ]prod)/;

/** The command the container runs: ENTRYPOINT then CMD, both in exec form. */
function containerArgv(): string[] {
  const entrypoint = argsOf(finalStage, 'ENTRYPOINT').at(-1);
  const cmd = argsOf(finalStage, 'CMD').at(-1);
  const entrypointArgv = entrypoint === undefined ? [] : execForm(entrypoint);
  const cmdArgv = cmd === undefined ? [] : execForm(cmd);
  if (!entrypointArgv || !cmdArgv) throw new Error('ENTRYPOINT and CMD must use the exec form');
  return [...entrypointArgv, ...cmdArgv];
}

describe('Dockerfile', () => {
  it('builds in several stages, so the compiler and dev dependencies stay out of the image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(
      stages.some((stage) => /\bnpm\s+run\s+build\b|\btsc\b/.test(argsOf(stage, 'RUN').join('\n'))),
    ).toBe(true);
    expect(copiedFrom(finalStage, /\bdist\b/).length).toBe(1);
  });

  it('runs on a slim Node 24 image, and builds on Node 24 too', () => {
    expect(imageOf(finalStage)).toMatch(
      /^node:24(\.\d+)*(-[a-z0-9]+)*-slim(@sha256:[0-9a-f]{64})?$/,
    );
    for (const stage of stages) expect(imageOf(stage)).toMatch(/^node:24(?=$|[.@-])/);
  });

  it('ships production dependencies only', () => {
    const installsHere = argsOf(finalStage, 'RUN').some((run) => PRODUCTION_INSTALL.test(run));
    const modulesFrom = copiedFrom(finalStage, /node_modules/);
    const copiesPrunedModules =
      modulesFrom.length > 0 &&
      modulesFrom.every((stage) =>
        argsOf(stage, 'RUN').some((run) => PRODUCTION_INSTALL.test(run)),
      );
    expect(installsHere || copiesPrunedModules).toBe(true);
    // A full install in the final stage would bring the dev dependencies back.
    const fullInstalls = argsOf(finalStage, 'RUN').filter(
      (run) => /\bnpm\s+(ci|install|i)\b/.test(run) && !PRODUCTION_INSTALL.test(run),
    );
    expect(fullInstalls).toEqual([]);
  });

  it('ships the built workspace packages the server imports (@orion/protocol, @orion/sdk)', () => {
    expect(copiedFrom(finalStage, /\s\/app\/packages\s/)).toHaveLength(1);
    const lines = finalStage.instructions.map(({ keyword, args }) => `${keyword} ${args}`);
    const packagesCopy = lines.findIndex((line) => /^COPY .*\/app\/packages\s/.test(line));
    const install = lines.findIndex((line) => PRODUCTION_INSTALL.test(line));
    // npm ci links the workspaces, so their manifests must be in place before it runs.
    expect(install).toBeGreaterThan(packagesCopy);
  });

  it('runs as a non-root user', () => {
    const user = argsOf(finalStage, 'USER').at(-1);
    expect(user).toBeDefined();
    expect(user!.split(':')[0]).not.toMatch(/^(root|0)$/);
  });

  it('exposes the HTTP/WebSocket port over TCP and the mediation port over UDP', () => {
    const exposed = argsOf(finalStage, 'EXPOSE').flatMap((args) => args.split(/\s+/));
    expect(exposed).toContain('5990/udp');
    expect(exposed.filter((port) => port === '5980' || port === '5980/tcp')).toHaveLength(1);
  });

  it('ships docs/asyncapi.yaml beside dist/, which the server serves at /docs/asyncapi.yaml', () => {
    const copies = argsOf(finalStage, 'COPY').filter((args) => !args.includes('--from'));
    expect(copies).toContainEqual(expect.stringMatching(/^docs\/asyncapi\.yaml\s+\.\/docs\//));
    // dist/common/openapi.js reads ../../docs/asyncapi.yaml: docs/ must sit beside dist/.
    expect(argsOf(finalStage, 'WORKDIR').at(-1)).toBe('/app');
  });

  it('starts node dist/main.js directly (exec form), so SIGTERM reaches Orion and it drains', () => {
    const argv = containerArgv();
    const node = argv.findIndex((word) => word === 'node' || word.endsWith('/node'));
    expect(node).toBeGreaterThanOrEqual(0);
    expect(argv[node + 1]).toMatch(/^(\/[\w./-]+\/)?dist\/main\.js$/);
  });
});

describe('.dockerignore', () => {
  it.each([
    'node_modules',
    'dist',
    '.git',
    'bench/results',
    '.tools',
    'packages/sdk/dist',
    'packages/sdk/src/testing',
    'packages/protocol/src/frame-codec.spec.ts',
  ])('keeps %s out of the build context', (path) =>
    expect(isIgnored(dockerignore, path)).toBe(true),
  );

  it.each([
    'package.json',
    'package-lock.json',
    'src',
    'tsconfig.base.json',
    'tsconfig.json',
    'tsconfig.build.json',
    'packages/protocol/package.json',
    'packages/protocol/src',
    'packages/sdk/package.json',
    'packages/sdk/src',
    'docs/asyncapi.yaml',
  ])('sends %s, which the build needs', (path) =>
    expect(isIgnored(dockerignore, path)).toBe(false),
  );
});

/** Whether an npm engines range such as "^20.19.0 || ^24.0.0" admits some release of `major`. */
function admitsMajor(range: string, major: number): boolean {
  return range.split('||').some((clause) =>
    [...clause.matchAll(/(>=|<=|>|<|\^|~|=)?\s*v?(\d+)(?:\.[\dxX*]+)*/g)].every(
      ([, operator, bound]) => {
        const limit = Number(bound);
        if (operator === '>=' || operator === '>') return major >= limit;
        if (operator === '<=') return major <= limit;
        if (operator === '<') return major < limit;
        return major === limit;
      },
    ),
  );
}

function fetchNode(...args: string[]) {
  const script = join(repoRoot, 'scripts', 'fetch-node.mjs');
  return spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', timeout: 10_000 });
}

describe("the image's Node, on which .ci/run runs the tests a second time", () => {
  const imageNode = /^node:(\d+(?:\.\d+){0,2})(?=$|[-@])/.exec(imageOf(finalStage))?.[1];

  it('is the version scripts/fetch-node.mjs fetches for that run, read from this Dockerfile', () => {
    expect(imageNode).toBeDefined();
    const wanted = fetchNode('--wanted');
    expect(wanted.stderr).toBe('');
    expect(wanted.stdout.trim()).toBe(imageNode);
  });

  it('must be one version: fetch-node refuses a Dockerfile whose stages name two', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orion-dockerfile-'));
    try {
      const dockerfile = join(dir, 'Dockerfile');
      writeFileSync(dockerfile, 'FROM node:22-slim AS build\nFROM node:24-slim\n');
      const refused = fetchNode('--wanted', '--dockerfile', dockerfile);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/stages use different Nodes: 22,24/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('and the Node these tests run on are both admitted by package.json engines', () => {
    const { engines } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      engines: { node: string };
    };
    expect(admitsMajor(engines.node, Number(imageNode?.split('.')[0]))).toBe(true);
    expect(admitsMajor(engines.node, Number(process.versions.node.split('.')[0]))).toBe(true);
  });

  it('is really the runtime of this run when .ci/run names one (ORION_TEST_NODE_VERSION)', () => {
    expect(process.version).toBe(process.env.ORION_TEST_NODE_VERSION ?? process.version);
  });
});
