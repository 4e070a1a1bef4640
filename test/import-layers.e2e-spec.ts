import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/orion/orion-process.js';

const eslint = new ESLint({ cwd: repoRoot });

/** The rule ids ESLint reports for `code` as if it were the file at `filePath`. */
async function violations(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${repoRoot}/${filePath}` });
  return result.messages.map((message) => message.ruleId ?? message.message);
}

const UPWARD = [
  ['src/common/probe.ts', "import { OrionGateway } from '../gateway/orion.gateway.js';"],
  [
    'src/common/testing/probe.ts',
    "import { LobbiesService } from '../../lobbies/lobbies.service.js';",
  ],
  ['src/config/probe.ts', "import { ClientRegistry } from '../connections/client-registry.js';"],
  ['src/connections/probe.ts', "import type { Lobby } from '../lobbies/lobby.js';"],
  ['src/lobbies/probe.ts', "import { UdpModule } from '../udp/udp.module.js';"],
  ['src/mediation/dto/probe.ts', "import { OrionGateway } from '../../gateway/orion.gateway.js';"],
  ['src/redis/probe.ts', "import { HealthModule } from '../health/health.module.js';"],
  ['packages/protocol/src/probe.ts', "import { OrionClient } from '@orion/sdk';"],
  [
    'packages/sdk/src/probe.ts',
    "import { OrionConfig } from '../../../src/config/orion-config.js';",
  ],
  ['packages/sdk/src/probe.ts', "import { Injectable } from '@nestjs/common';"],
] as const;

const DOWNWARD = [
  ['src/gateway/probe.ts', "import { LobbiesService } from '../lobbies/lobbies.service.js';"],
  ['src/lobbies/probe.ts', "import { ClientRegistry } from '../connections/client-registry.js';"],
  ['src/connections/probe.ts', "import { OrionConfig } from '../config/orion-config.js';"],
  ['src/common/testing/probe.ts', "import { randomId } from '../random-ids.js';"],
  ['src/udp/probe.ts', "import { encodeFrame } from '@orion/protocol';"],
  ['packages/sdk/src/probe.ts', "import { encodeFrame } from '@orion/protocol';"],
] as const;

// The layers are listed in eslint/layers.js; `npm run lint` applies them to the whole tree.
describe('import layers (eslint no-restricted-imports)', () => {
  it.each(UPWARD)('refuses an upward import in %s: %s', async (file, line) => {
    expect(await violations(file, `${line}\nexport const probe = 1;\n`)).toContain(
      'no-restricted-imports',
    );
  });

  it.each(DOWNWARD)('allows a downward import in %s: %s', async (file, line) => {
    expect(await violations(file, `${line}\nexport const probe = 1;\n`)).not.toContain(
      'no-restricted-imports',
    );
  });
});
