import { describe, expect, it } from 'vitest';
import { OrionConfig, type OrionSettings } from './orion-config.js';
import { buildConfig, envNameOf, SETTINGS } from './settings.js';

const parserOf = (key: keyof OrionSettings) => {
  const setting = SETTINGS.find((candidate) => candidate.key === key);
  if (!setting) throw new Error(`no setting named ${key}`);
  return setting.parse;
};

const PORTS = ['httpPort', 'udpPort'] as const;
const TIMERS = [
  'ptpmServerConnectTimeoutMs',
  'ptpmConnectRequestIntervalMs',
  'ptpmConnectTimeoutMs',
] as const;

describe('buildConfig', () => {
  it('uses the documented defaults when nothing is given', () => {
    expect({ ...buildConfig() }).toEqual({
      host: undefined,
      httpPort: 5980,
      udpPort: 5990,
      udpAdvertisedPort: undefined,
      metricsPort: undefined,
      logLevel: 'info',
      logFormat: 'json',
      ptpmServerConnectTimeoutMs: 300_000,
      ptpmConnectRequestIntervalMs: 10_000,
      ptpmConnectTimeoutMs: 300_000,
      redisUrl: undefined,
      redisKeyPrefix: '{orion}:',
      replicaTimeoutMs: 10_000,
      redisCommandTimeoutMs: 1_000,
      maxFrameBytes: 16_384,
      maxBufferedBytes: 1_048_576,
      maxBodyBytes: 16_384,
      maxDatagramBytes: 1_024,
      maxClients: 50_000,
      maxConnectionsPerIp: 256,
      headersTimeoutMs: 5_000,
      requestTimeoutMs: 10_000,
      maxPendingConnections: 1_024,
      maxPendingConnectionsPerIp: 32,
      chatRatePerSecond: 5,
      chatBurst: 10,
      httpRateLimit: 120,
      joinMissLimit: 10,
      joinMissLimitPerIp: 100,
      trustProxy: false,
      allowedOrigins: '*',
      wsHeartbeatIntervalMs: 30_000,
      reconnectGraceMs: 0,
      shutdownGraceMs: 10_000,
      relayPorts: undefined,
      relayHost: undefined,
      relayBytesPerSecond: 262_144,
      relayIdleTimeoutMs: 30_000,
      relayMaxLifetimeMs: 21_600_000,
      relayMaxSessions: 1_000,
    });
  });

  it('asks for relayHost when relayPorts turns the relay on', () => {
    expect(() => buildConfig({ relayPorts: '40000-40009' })).toThrow(
      'Invalid setting relayHost: relayHost is required when relayPorts is set',
    );
    expect(buildConfig({ relayPorts: '40000-40009', relayHost: '203.0.113.7' }).relayPorts).toBe(
      '40000-40009',
    );
    expect(() => buildConfig({ relayPorts: '40009-40000', relayHost: '203.0.113.7' })).toThrow(
      /Invalid setting relayPorts: relayPorts must be a port range/,
    );
  });

  it('takes the values it is given and keeps the defaults for the rest', () => {
    const config = buildConfig({ httpPort: 0, udpPort: 7000, ptpmConnectTimeoutMs: 1500 });

    expect(config).toMatchObject({
      host: undefined,
      httpPort: 0,
      udpPort: 7000,
      ptpmServerConnectTimeoutMs: 300_000,
      ptpmConnectRequestIntervalMs: 10_000,
      ptpmConnectTimeoutMs: 1500,
    });
  });

  it.each<[keyof OrionSettings, unknown]>([
    ['httpPort', 65_536],
    ['udpPort', -1],
    ['httpPort', 1.5],
    ['ptpmServerConnectTimeoutMs', 0],
    ['ptpmConnectRequestIntervalMs', 0],
    ['ptpmConnectTimeoutMs', 2_147_483_648],
    ['host', 'localhost'],
    ['headersTimeoutMs', 99],
    ['requestTimeoutMs', 600_001],
    ['maxPendingConnections', 0],
    ['maxPendingConnectionsPerIp', 0],
  ])('refuses %s = %j, naming the setting', (key, value) => {
    expect(() => buildConfig({ [key]: value } as Partial<OrionSettings>)).toThrow(
      new RegExp(`\\b${key}\\b`),
    );
  });

  it.each<[keyof OrionSettings, unknown, string]>([
    ['httpPort', 65_536, 'httpPort must not be greater than 65535'],
    ['udpPort', -1, 'udpPort must not be less than 0'],
    ['maxClients', 1.5, 'maxClients must be an integer number'],
    ['maxBodyBytes', 'big', 'maxBodyBytes must not be greater than 16777216'],
    ['host', 'localhost', 'host must be an ip address'],
    ['logFormat', 'xml', 'logFormat must be one of the following values: json, pretty'],
    ['trustProxy', 'yes', 'trustProxy must be a boolean value'],
    ['redisUrl', 'http://x', 'redisUrl must be a redis:// or rediss:// URL'],
    ['redisKeyPrefix', 'a b', 'redisKeyPrefix must be 1 to 64 characters without spaces'],
    [
      'allowedOrigins',
      'x',
      'allowedOrigins must be * or comma-separated origins such as https://game.example',
    ],
  ])('words the refusal of %s = %j as "%s"', (key, value, reason) => {
    expect(() => buildConfig({ [key]: value } as Partial<OrionSettings>)).toThrow(
      `Invalid setting ${key}: ${reason}`,
    );
  });

  it('reports the first bad setting in definition order', () => {
    expect(() => buildConfig({ shutdownGraceMs: 0, httpPort: -1, host: 'x' })).toThrow(
      'Invalid setting host: host must be an ip address',
    );
  });

  it('lets optional settings stay unset', () => {
    const config = buildConfig({ host: undefined, redisUrl: undefined });
    expect(config.host).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
  });
});

describe('OrionConfig', () => {
  it('starts with the default of every setting', () => {
    expect({ ...new OrionConfig() }).toEqual(
      Object.fromEntries(SETTINGS.map((setting) => [setting.key, setting.default])),
    );
    expect(Object.keys(new OrionConfig())).toEqual(SETTINGS.map((setting) => setting.key));
  });
});

describe('SETTINGS', () => {
  it('has one entry per config setting', () => {
    expect(SETTINGS.map((setting) => setting.key).sort()).toEqual(
      Object.keys(buildConfig()).sort(),
    );
  });

  it('derives each flag from the key and each variable from the flag', () => {
    for (const setting of SETTINGS) {
      expect(setting.flag).toBe(`--${setting.key}`);
      expect(setting.env).toBe(envNameOf(setting.key));
    }
    expect(envNameOf('maxPendingConnectionsPerIp')).toBe('ORION_MAX_PENDING_CONNECTIONS_PER_IP');
  });

  it('has exactly one switch, trustProxy', () => {
    const switches = SETTINGS.filter((setting) => setting.isSwitch).map((setting) => setting.key);
    expect(switches).toEqual(['trustProxy']);
  });

  describe.each(PORTS)('%s', (key) => {
    it.each([
      ['0', 0],
      ['65535', 65_535],
      ['5980', 5980],
    ])('parses "%s" as %d', (raw, value) => {
      expect(parserOf(key)(raw)).toBe(value);
    });

    it.each(['abc', '-1', '65536', '1.5', '', ' '])('rejects "%s"', (raw) => {
      expect(() => parserOf(key)(raw)).toThrow();
    });
  });

  describe.each(TIMERS)('%s', (key) => {
    it.each([
      ['1', 1],
      ['1500', 1500],
      ['2147483647', 2_147_483_647],
    ])('parses "%s" as %d', (raw, value) => {
      expect(parserOf(key)(raw)).toBe(value);
    });

    it.each(['0', 'abc', '-1', '1.5', '', '2147483648'])('rejects "%s"', (raw) => {
      expect(() => parserOf(key)(raw)).toThrow();
    });
  });

  describe('host', () => {
    it.each(['127.0.0.1', '0.0.0.0', '::', '::1'])('accepts %s', (raw) => {
      expect(parserOf('host')(raw)).toBe(raw);
    });

    it.each(['localhost', '', '256.0.0.1', 'example.com'])('rejects "%s"', (raw) => {
      expect(() => parserOf('host')(raw)).toThrow();
    });
  });
});

describe('logging settings', () => {
  it('accepts each log level and rejects anything else', () => {
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']) {
      expect(parserOf('logLevel')(level)).toBe(level);
    }
    for (const bad of ['', 'INFO', 'verbose', 'loud']) {
      expect(() => parserOf('logLevel')(bad), bad).toThrow(/expected one of/);
    }
  });

  it('accepts json and pretty as log formats', () => {
    expect(parserOf('logFormat')('json')).toBe('json');
    expect(parserOf('logFormat')('pretty')).toBe('pretty');
    expect(() => parserOf('logFormat')('xml')).toThrow(/expected one of/);
  });

  it('metricsPort is a port, unset by default', () => {
    expect(buildConfig().metricsPort).toBeUndefined();
    expect(parserOf('metricsPort')('9100')).toBe(9100);
    expect(() => parserOf('metricsPort')('70000')).toThrow();
  });
});

describe('limit settings', () => {
  it.each([
    ['maxFrameBytes', '64', '16777216', ['63', '16777217', 'abc']],
    ['maxBodyBytes', '64', '16777216', ['63', '1.5', '']],
    ['maxDatagramBytes', '64', '65507', ['63', '65508']],
    ['maxClients', '1', '10000000', ['0', '10000001']],
    ['maxConnectionsPerIp', '1', '10000000', ['0', '-1']],
    ['chatRatePerSecond', '1', '10000000', ['0', 'x']],
    ['chatBurst', '1', '10000000', ['0']],
    ['httpRateLimit', '0', '10000000', ['-1', '10000001']],
    ['joinMissLimit', '0', '10000000', ['-1', '2.5']],
    ['joinMissLimitPerIp', '0', '10000000', ['-1', 'x']],
    ['wsHeartbeatIntervalMs', '1', '2147483647', ['0', '2147483648']],
    ['shutdownGraceMs', '1', '2147483647', ['0', '']],
    ['reconnectGraceMs', '0', '300000', ['-1', '300001', '1.5']],
  ] as const)('%s accepts %s to %s and rejects the rest', (key, min, max, bad) => {
    expect(parserOf(key)(min)).toBe(Number(min));
    expect(parserOf(key)(max)).toBe(Number(max));
    for (const raw of bad) expect(() => parserOf(key)(raw), raw).toThrow(/whole number/);
  });

  it('trustProxy is a switch: off by default, parsed from yes/no words', () => {
    expect(buildConfig().trustProxy).toBe(false);
    expect(SETTINGS.find((setting) => setting.key === 'trustProxy')?.isSwitch).toBe(true);
    for (const raw of ['true', '1', 'yes', 'TRUE']) expect(parserOf('trustProxy')(raw)).toBe(true);
    for (const raw of ['false', '0', 'no']) expect(parserOf('trustProxy')(raw)).toBe(false);
    expect(() => parserOf('trustProxy')('maybe')).toThrow(/true or false/);
  });

  it('refuses limits outside their range, naming the setting', () => {
    expect(() => buildConfig({ maxClients: 0 })).toThrow(/\bmaxClients\b/);
    expect(() => buildConfig({ maxFrameBytes: 10 })).toThrow(/\bmaxFrameBytes\b/);
  });
});

describe('Redis settings', () => {
  it('redisUrl takes redis:// and rediss:// URLs only, and is unset by default', () => {
    expect(buildConfig().redisUrl).toBeUndefined();
    expect(parserOf('redisUrl')('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(parserOf('redisUrl')(' rediss://:pw@cache:6380/2 ')).toBe('rediss://:pw@cache:6380/2');
    for (const bad of ['', 'http://x', '127.0.0.1:6379', 'redis://']) {
      expect(() => parserOf('redisUrl')(bad), bad).toThrow(/redis/);
    }
    expect(() => buildConfig({ redisUrl: 'http://x' })).toThrow(/\bredisUrl\b/);
  });

  it('replicaTimeoutMs is at least 500 ms', () => {
    expect(parserOf('replicaTimeoutMs')('500')).toBe(500);
    expect(() => parserOf('replicaTimeoutMs')('499')).toThrow();
  });

  it('redisKeyPrefix is 1 to 64 characters without spaces', () => {
    expect(parserOf('redisKeyPrefix')('{game-a}:')).toBe('{game-a}:');
    expect(() => parserOf('redisKeyPrefix')('a b')).toThrow();
    expect(() => parserOf('redisKeyPrefix')('x'.repeat(65))).toThrow();
  });
});
