/** The same flags as Orion: `--name value` or `--name=value`. */
const DEFAULTS = {
  host: '0.0.0.0',
  httpPort: 5980,
  udpPort: 5990,
  ptpmServerConnectTimeoutMs: 300_000,
  ptpmConnectRequestIntervalMs: 10_000,
  ptpmConnectTimeoutMs: 300_000,
  // The relay (off unless `--relayPorts first-last` is given, then `--relayHost` names it).
  relayPorts: undefined,
  relayHost: undefined,
};
const TEXT = new Set(['host', 'relayPorts', 'relayHost']);

export function parseFlags(argv) {
  const config = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument '${arg}'`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const raw = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (!(name in DEFAULTS)) throw new Error(`unknown option '--${name}'`);
    if (raw === undefined) throw new Error(`option '--${name}' needs a value`);
    if (TEXT.has(name)) {
      config[name] = raw;
      continue;
    }
    const value = Number(raw);
    const min = name.endsWith('Port') ? 0 : 1;
    if (!/^\d+$/.test(raw) || value < min || value > 2_147_483_647) {
      throw new Error(`option '--${name} <value>' argument '${raw}' is invalid.`);
    }
    config[name] = value;
  }
  if (config.relayPorts !== undefined) {
    const match = /^(\d+)-(\d+)$/.exec(config.relayPorts);
    if (!match || Number(match[1]) > Number(match[2]) || Number(match[2]) > 65_535) {
      throw new Error(
        `option '--relayPorts <first-last>' argument '${config.relayPorts}' is invalid.`,
      );
    }
    if (config.relayHost === undefined)
      throw new Error('relayHost is required when relayPorts is set');
    config.relayPorts = { first: Number(match[1]), last: Number(match[2]) };
  }
  return config;
}
