/** The same flags as Orion: `--name value` or `--name=value`. */
const DEFAULTS = {
  host: '0.0.0.0',
  httpPort: 5980,
  udpPort: 5990,
  ptpmServerConnectTimeoutMs: 300_000,
  ptpmConnectRequestIntervalMs: 10_000,
  ptpmConnectTimeoutMs: 300_000,
};

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
    if (name === 'host') {
      config.host = raw;
      continue;
    }
    const value = Number(raw);
    const min = name.endsWith('Port') ? 0 : 1;
    if (!/^\d+$/.test(raw) || value < min || value > 2_147_483_647) {
      throw new Error(`option '--${name} <value>' argument '${raw}' is invalid.`);
    }
    config[name] = value;
  }
  return config;
}
