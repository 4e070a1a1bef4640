import { StoreUnavailable } from './store-unavailable.js';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Wait between two tries. */
  delayMs: number;
  /** Told of each try that met an unavailable store and will be tried again. */
  onRetry?: () => void;
}

/**
 * Runs `work` and, while it fails only because the state store did not answer, runs it
 * again after a pause. For clean-up that must not be lost to a short Redis stall (a client
 * leaving, a mediation timing out): `work` must be safe to repeat. Any other error, or the
 * last unavailable one, rejects.
 */
export async function retryWhileUnavailable<T>(
  work: () => Promise<T>,
  policy: RetryPolicy,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof StoreUnavailable) || attempt >= policy.attempts) throw error;
      policy.onRetry?.();
      await new Promise((resolve) => setTimeout(resolve, policy.delayMs).unref());
    }
  }
}
