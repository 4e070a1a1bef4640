import type { IContainer } from 'kubernetes-models/v1';
import type { OrionSettings } from '../../../src/config/orion-config.js';
import { envNameOf, SETTINGS, type SettingDefinition } from '../../../src/config/settings.js';

/** The pod's own fields a test pod has, for variables the chart takes from the downward API. */
export const TEST_POD_FIELDS: Readonly<Record<string, string>> = {
  'status.hostIP': '203.0.113.41',
};

/**
 * The settings the chart hands Orion, read the way `dist/main.js` reads them: each `ORION_*`
 * variable and each `--flag` goes through its setting's parser. Throws on a name that is not a
 * setting and on a value its parser refuses. A variable read from a Secret (a credential, such
 * as a Redis URL with a password) is left out: its value is not in the chart. One read from the
 * pod's own fields (fieldRef) takes its value from `podFields`, as the kubelet would fill it in.
 */
export function settingsOfContainer(
  container: IContainer,
  podFields: Readonly<Record<string, string>> = TEST_POD_FIELDS,
): Partial<OrionSettings> {
  const settings: Partial<OrionSettings> = {};
  const assign = (setting: SettingDefinition, raw: string, source: string) => {
    try {
      Object.assign(settings, { [setting.key]: setting.parse(raw) });
    } catch (error) {
      throw new Error(`${source}=${JSON.stringify(raw)}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  };

  for (const variable of container.env ?? []) {
    if (!variable.name.startsWith('ORION_')) continue;
    const setting = SETTINGS.find((candidate) => envNameOf(candidate.key) === variable.name);
    if (!setting) throw new Error(`${variable.name} is not an Orion setting`);
    if (variable.valueFrom?.secretKeyRef) continue;
    const fieldPath = variable.valueFrom?.fieldRef?.fieldPath;
    const value = fieldPath === undefined ? variable.value : podFields[fieldPath];
    if (value === undefined) throw new Error(`${variable.name} has no value the test can know`);
    assign(setting, value, variable.name);
  }

  const args = [...(container.command ?? []), ...(container.args ?? [])];
  args.forEach((arg, index) => {
    const flag = /^--([A-Za-z]+)(?:=(.*))?$/.exec(arg);
    if (!flag) return;
    const setting = SETTINGS.find((candidate) => candidate.key === flag[1]);
    if (!setting) throw new Error(`--${flag[1]} is not an Orion flag`);
    const next = args[index + 1];
    const raw = flag[2] ?? (setting.isSwitch && next?.startsWith('--') !== false ? 'true' : next);
    assign(setting, raw, `--${flag[1]}`);
  });
  return settings;
}
