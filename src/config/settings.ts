import { validateSync } from 'class-validator';
import { OrionConfig, type OrionSettings } from './orion-config.js';
import { SETTING_DEFINITIONS, type SettingKey } from './setting-definitions.js';

/** One setting as the command line and the environment see it, derived from its definition. */
export interface SettingDefinition<K extends SettingKey = SettingKey> {
  key: K;
  /** `--httpPort`: the key itself. */
  flag: `--${K}`;
  /** `ORION_HTTP_PORT`: see {@link envNameOf}. */
  env: string;
  default: OrionSettings[K];
  /** Stands for the value in --help: `--httpPort <port>`. */
  valueName: string;
  /** A switch: the bare flag means true; a value (true/false) may still follow it. */
  isSwitch: boolean;
  description: string;
  /** Reads a flag's or a variable's text; throws a message to print after the flag's name. */
  parse: (raw: string) => OrionSettings[K];
}

/** The environment variable for a setting: `httpPort` is read from `ORION_HTTP_PORT`. */
export function envNameOf(key: SettingKey): string {
  return `ORION_${key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

function definitionOf<K extends SettingKey>(key: K): SettingDefinition<K> {
  const spec = SETTING_DEFINITIONS[key];
  return {
    key,
    flag: `--${key}`,
    env: envNameOf(key),
    default: spec.default as OrionSettings[K],
    valueName: spec.valueName,
    isSwitch: spec.value.isSwitch === true,
    description: spec.description,
    parse: spec.value.parse as (raw: string) => OrionSettings[K],
  };
}

/** Every setting, in --help order. */
export const SETTINGS: readonly SettingDefinition[] = (
  Object.keys(SETTING_DEFINITIONS) as SettingKey[]
).map((key) => definitionOf(key));

/** Builds and validates the config from explicit values, filling in the defaults. */
export function buildConfig(values: Partial<OrionSettings> = {}): OrionConfig {
  const given = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
  const config = Object.assign(new OrionConfig(), given);
  const errors = validateSync(config);
  if (errors.length > 0) {
    const first = errors[0];
    const reason = Object.values(first.constraints ?? {})[0] ?? 'is invalid';
    throw new Error(`Invalid setting ${first.property}: ${reason}`);
  }
  const broken = RULES_ACROSS_SETTINGS.find((rule) => !rule.holds(config));
  if (broken) throw new Error(`Invalid setting ${broken.setting}: ${broken.message}`);
  return config;
}

/** What one setting requires of another; checked after each is valid on its own. */
const RULES_ACROSS_SETTINGS: {
  setting: SettingKey;
  message: string;
  holds: (config: OrionConfig) => boolean;
}[] = [
  {
    setting: 'relayHost',
    message: 'relayHost is required when relayPorts is set',
    holds: (config) => config.relayPorts === undefined || config.relayHost !== undefined,
  },
];
