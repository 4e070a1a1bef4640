import { IsBoolean, IsIn, IsInt, IsIP, Matches, Max, Min, ValidateBy } from 'class-validator';
import { isIP } from 'node:net';
import { parseAllowedOrigins } from '../common/allowed-origins.js';
import { parsePortRange } from './port-range.js';

/**
 * One kind of setting value, checked both ways a value arrives: as text from a flag or an
 * ORION_* variable (`parse`; commander prints its message after the flag's name), and as a
 * typed value handed to buildConfig (`checks`; class-validator names the property).
 */
export interface ValueType<T> {
  parse: (raw: string) => T;
  /** Listed as decorators would be written above the property. */
  checks: readonly PropertyDecorator[];
  /** The bare flag means true; a value (true/false) may still follow it. */
  isSwitch?: true;
}

export function integer(min: number, max: number): ValueType<number> {
  const expected = `expected a whole number from ${min} to ${max}`;
  return {
    parse: (raw) => {
      const trimmed = raw.trim();
      if (!/^\d+$/.test(trimmed)) throw new Error(expected);
      const value = Number(trimmed);
      if (value < min || value > max) throw new Error(expected);
      return value;
    },
    checks: [IsInt(), Min(min), Max(max)],
  };
}

export const ipAddress: ValueType<string> = {
  parse: (raw) => {
    const trimmed = raw.trim();
    if (isIP(trimmed) === 0) throw new Error('expected an IPv4 or IPv6 address');
    return trimmed;
  },
  checks: [IsIP()],
};

export function oneOf<T extends string>(choices: readonly T[]): ValueType<T> {
  return {
    parse: (raw) => {
      const value = raw.trim() as T;
      if (!choices.includes(value)) throw new Error(`expected one of: ${choices.join(', ')}`);
      return value;
    },
    checks: [IsIn(choices)],
  };
}

export const yesOrNo: ValueType<boolean> = {
  parse: (raw) => {
    const value = raw.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    throw new Error('expected true or false');
  },
  checks: [IsBoolean()],
  isSwitch: true,
};

/** Text matching `pattern`, described by `what` in both messages ("expected …", "… must be …"). */
export function matching(pattern: RegExp, what: string): ValueType<string> {
  return {
    parse: (raw) => {
      const value = raw.trim();
      if (!pattern.test(value)) throw new Error(`expected ${what}`);
      return value;
    },
    checks: [Matches(pattern, { message: `$property must be ${what}` })],
  };
}

const ORIGIN_LIST = /^(\*|[a-z][a-z0-9+.-]*:\/\/[^\s/,?#]+(,[a-z][a-z0-9+.-]*:\/\/[^\s/,?#]+)*)$/;

/** `*` or comma-separated web origins, kept as text in the normal form the parser makes. */
export const webOrigins: ValueType<string> = {
  parse: (raw) => {
    const origins = parseAllowedOrigins(raw);
    return origins === '*' ? '*' : origins.join(',');
  },
  checks: [
    Matches(ORIGIN_LIST, {
      message: '$property must be * or comma-separated origins such as https://game.example',
    }),
  ],
};

const PORT_RANGE_EXPECTED = 'a port range such as 40000-40999 (first <= last, 1 to 65535)';

/** `first-last`, kept as text in the normal form (no spaces); see port-range.ts. */
export const portRange: ValueType<string> = {
  parse: (raw) => {
    const range = parsePortRange(raw);
    if (!range) throw new Error(`expected ${PORT_RANGE_EXPECTED}`);
    return `${range.first}-${range.last}`;
  },
  checks: [
    ValidateBy({
      name: 'isPortRange',
      validator: {
        validate: (value) => typeof value === 'string' && parsePortRange(value) !== undefined,
        defaultMessage: () => `$property must be ${PORT_RANGE_EXPECTED}`,
      },
    }),
  ],
};
