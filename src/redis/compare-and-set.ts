/** One compare-and-set attempt: settled with a value, or lost to a concurrent writer. */
export type CasAttempt<T> = { done: true; value: T } | { done: false };

/** Far more than contention on one lobby ever needs; hitting it means something is wrong. */
const MAX_ATTEMPTS = 100;

/** Retries `attempt` until it settles: optimistic concurrency on one record. */
export async function casUntilSettled<T>(
  what: string,
  attempt: () => Promise<CasAttempt<T>>,
): Promise<T> {
  for (let tries = 0; tries < MAX_ATTEMPTS; tries++) {
    const result = await attempt();
    if (result.done) return result.value;
  }
  throw new Error(`Gave up updating ${what} after ${MAX_ATTEMPTS} concurrent changes`);
}
