/** The seed from `RECONNECT_SEED` when set (to replay a failure), else a fresh one. */
export function reconnectionSeed(): number {
  const fromEnv = process.env.RECONNECT_SEED;
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const seed = Number(fromEnv);
    if (!Number.isInteger(seed)) throw new Error(`RECONNECT_SEED must be an integer: ${fromEnv}`);
    return seed >>> 0;
  }
  return Math.floor(Math.random() * 4_294_967_296);
}
