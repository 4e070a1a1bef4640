/**
 * How much this process asks of the shared state store, injected by {@link STORE_TRAFFIC}
 * for the metrics: only the backend knows. In memory there is no store to ask.
 */
export interface StoreTraffic {
  /** Commands sent to the store since start; a script run counts once. */
  commandsSent(): number;
}

export const STORE_TRAFFIC = Symbol('STORE_TRAFFIC');

/** The memory backend's: nothing leaves the process. */
export const NO_STORE_TRAFFIC: StoreTraffic = { commandsSent: () => 0 };
