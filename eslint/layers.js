/**
 * The server's layers, lowest first. Code may import from its own layer and the ones below,
 * never from a layer above: the rule this builds makes an upward import a lint error. See
 * ARCHITECTURE.md for what each folder holds.
 */
export const SERVER_LAYERS = [
  ['common'],
  ['config', 'logging'],
  ['connections', 'rate-limits'],
  ['clients', 'lobbies', 'mediation'],
  ['redis', 'replication', 'backends'],
  ['gateway', 'udp', 'relay', 'http-edge', 'health', 'metrics', 'shutdown', 'cli'],
];

/** Import paths that reach `folder` under src from anywhere inside src. */
const pathsInto = (folder) => [`../${folder}/*`, `../../${folder}/*`, `../../../${folder}/*`];

const restriction = (folders, message) => ({
  group: folders.flatMap(pathsInto),
  message,
});

/** One flat-config block per layer, forbidding the folders of every layer above it. */
export function layerBoundaries() {
  const blocks = SERVER_LAYERS.slice(0, -1).map((layer, index) => {
    const above = SERVER_LAYERS.slice(index + 1).flat();
    return {
      files: layer.map((folder) => `src/${folder}/**/*.ts`),
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              restriction(
                above,
                `src/${layer.join(', src/')} sit below ${above.join(', ')}: depend on an interface or event declared down here instead (ARCHITECTURE.md).`,
              ),
            ],
          },
        ],
      },
    };
  });
  const packageBlocks = [
    {
      files: ['packages/protocol/src/**/*.ts'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                group: ['@orion/*', '**/src/**', '@nestjs/*', 'ws'],
                message:
                  '@orion/protocol depends on nothing but Node: clients of every kind use it.',
              },
            ],
          },
        ],
      },
    },
    {
      files: ['packages/sdk/src/**/*.ts'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                group: ['@orion/sdk', '**/src/**', '@nestjs/*'],
                message:
                  '@orion/sdk is published alone: it may use @orion/protocol, not the server.',
              },
            ],
          },
        ],
      },
    },
  ];
  return [...blocks, ...packageBlocks];
}
