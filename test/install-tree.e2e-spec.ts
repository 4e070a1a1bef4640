import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/orion/orion-process.js';

const NEST_PACKAGES = ['@nestjs/core', '@nestjs/common'];

interface LsNode {
  version?: string;
  invalid?: string;
  problems?: string[];
  dependencies?: Record<string, LsNode>;
}

/** Every (name, node) pair of an `npm ls --json` tree, depth first. */
function* walk(node: LsNode): Generator<[string, LsNode]> {
  for (const [name, child] of Object.entries(node.dependencies ?? {})) {
    yield [name, child];
    yield* walk(child);
  }
}

// nest-commander's discovery package asks for Nest 11 as a peer; without the override in
// package.json, npm warns (ERESOLVE) on every install and may add a second Nest beside 12.
describe('the installed dependency tree', () => {
  it('locks exactly one @nestjs/core and one @nestjs/common', () => {
    const lock = JSON.parse(readFileSync(`${repoRoot}/package-lock.json`, 'utf8')) as {
      packages: Record<string, { version: string }>;
    };
    for (const name of NEST_PACKAGES) {
      const copies = Object.keys(lock.packages).filter((path) =>
        path.endsWith(`node_modules/${name}`),
      );
      expect(copies, name).toEqual([`node_modules/${name}`]);
    }
  });

  it('has one Nest version that satisfies every peer dependency, per `npm ls`', async () => {
    // npm ls exits 1 with "invalid" problems when a peer range is not met.
    const { stdout } = await promisify(execFile)(
      'npm',
      ['ls', '--json', '--all', ...NEST_PACKAGES],
      { cwd: repoRoot, timeout: 15_000 },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const tree = JSON.parse(stdout) as LsNode;
    expect(tree.problems ?? []).toEqual([]);
    for (const name of NEST_PACKAGES) {
      const versions = new Set<string>();
      for (const [found, node] of walk(tree)) {
        if (found !== name) continue;
        expect(node.invalid, `${name} under a dependent`).toBeUndefined();
        versions.add(node.version ?? '?');
      }
      expect([...versions], name).toHaveLength(1);
      expect([...versions][0], name).toMatch(/^12\./);
    }
  });
});
