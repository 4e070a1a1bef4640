/** The seed from `CHURN_SEED` when set (to replay a failure), else a fresh one. */
export function churnSeed(): number {
  const fromEnv = process.env.CHURN_SEED;
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const seed = Number(fromEnv);
    if (!Number.isInteger(seed)) throw new Error(`CHURN_SEED must be an integer: ${fromEnv}`);
    return seed >>> 0;
  }
  return Math.floor(Math.random() * 4_294_967_296);
}
