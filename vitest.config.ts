import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// Tests import the workspace packages from source, so that no build is needed to run them; the
// servers the e2e tests spawn run dist/ and load the packages' own dist/ as production does.
const packageSources = {
  '@orion/protocol': fileURLToPath(new URL('packages/protocol/src/index.ts', import.meta.url)),
  '@orion/sdk': fileURLToPath(new URL('packages/sdk/src/index.ts', import.meta.url)),
};

// SWC compiles the TypeScript so that Nest's decorator metadata is emitted (esbuild does not).
const swcPlugin = () =>
  swc.vite({
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2023',
    },
  });

const e2e = {
  include: ['test/**/*.e2e-spec.ts'],
  environment: 'node' as const,
  // Hang guards: a test that spawns servers or runs them to exit may wait up to 30 s on a
  // loaded CI (see runToExit), and must fail on its own assertion, not on this.
  testTimeout: 40_000,
  hookTimeout: 20_000,
};

// With REDIS_URL, the whole e2e suite runs a second time with the state in Redis.
const redisUrl = process.env.REDIS_URL;
const redisProjects = redisUrl
  ? [
      {
        plugins: [swcPlugin()],
        resolve: { alias: packageSources },
        test: {
          ...e2e,
          name: 'e2e-redis',
          // Files that start no server, or that choose their own Redis, run once.
          exclude: [
            'test/helm-chart.e2e-spec.ts',
            'test/dockerfile.e2e-spec.ts',
            // Runs its own Redis, which it stops and restarts (or pauses).
            'test/redis-outage.e2e-spec.ts',
            'test/redis-stall.e2e-spec.ts',
            // Send buffers and heartbeats do not depend on where state lives; the flood
            // would only take longer.
            'test/slow-readers.e2e-spec.ts',
            'test/replicas.e2e-spec.ts',
            'test/replica-processes.e2e-spec.ts',
            'test/reconnection-replicas.e2e-spec.ts',
            // Network namespaces with their own in-memory Orion; the Godot and Unity clients
            // against their own.
            'test/nat-lab.e2e-spec.ts',
            'test/godot.e2e-spec.ts',
            'test/unity-client.e2e-spec.ts',
          ],
          env: { ORION_TEST_REDIS_URL: redisUrl },
          globalSetup: ['test/support/redis/global-teardown.ts'],
        },
      },
    ]
  : [];

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [swcPlugin()],
        resolve: { alias: packageSources },
        test: {
          name: 'unit',
          include: ['src/**/*.spec.ts', 'packages/*/src/**/*.spec.ts'],
          environment: 'node',
        },
      },
      {
        plugins: [swcPlugin()],
        resolve: { alias: packageSources },
        test: { ...e2e, name: 'e2e' },
      },
      ...redisProjects,
    ],
  },
});
