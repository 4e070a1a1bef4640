import { IsOptional } from 'class-validator';
import { SETTING_DEFINITIONS, type SettingValues } from './setting-definitions.js';

/** A class whose instances start with every default, its properties checked as defined. */
function settingsClass(): new () => SettingValues {
  class Settings {
    constructor() {
      for (const [key, spec] of Object.entries(SETTING_DEFINITIONS)) {
        Object.assign(this, { [key]: spec.default });
      }
    }
  }
  for (const [key, spec] of Object.entries(SETTING_DEFINITIONS)) {
    const decorators = [
      ...(spec.default === undefined ? [IsOptional()] : []),
      ...spec.value.checks,
    ];
    // Registered bottom first, as TypeScript applies decorators written above a property:
    // buildConfig reports the first registered check that fails, so the order is the wording.
    for (const decorate of decorators.reverse()) decorate(Settings.prototype, key);
  }
  return Settings as new () => SettingValues;
}

/**
 * Every setting Orion reads (see setting-definitions.ts), validated once at startup.
 * Everything else injects this class instead of reading flags or the environment itself.
 */
export class OrionConfig extends settingsClass() {}

export type OrionSettings = { [K in keyof OrionConfig]: OrionConfig[K] };
