import { describe, expect, it } from 'vitest';
import type { OrionSettings } from './orion-config.js';
import { buildConfig, SETTINGS } from './settings.js';

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
      host: '0.0.0.0',
      httpPort: 5980,
      udpPort: 5990,
      metricsPort: undefined,
      logLevel: 'info',
      logFormat: 'json',
      ptpmServerConnectTimeoutMs: 300_000,
      ptpmConnectRequestIntervalMs: 10_000,
      ptpmConnectTimeoutMs: 300_000,
    });
  });

  it('takes the values it is given and keeps the defaults for the rest', () => {
    const config = buildConfig({ httpPort: 0, udpPort: 7000, ptpmConnectTimeoutMs: 1500 });

    expect(config).toMatchObject({
      host: '0.0.0.0',
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
  ])('refuses %s = %j, naming the setting', (key, value) => {
    expect(() => buildConfig({ [key]: value } as Partial<OrionSettings>)).toThrow(
      new RegExp(`\\b${key}\\b`),
    );
  });
});

describe('SETTINGS', () => {
  it('has one entry per config setting', () => {
    expect(SETTINGS.map((setting) => setting.key).sort()).toEqual(
      Object.keys(buildConfig()).sort(),
    );
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
