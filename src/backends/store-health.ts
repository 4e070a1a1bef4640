/** What readiness reports about the state store. */
export interface StoreStatus {
  up: boolean;
  kind: 'memory' | 'redis';
  /** Why the store is down. */
  message?: string;
}

/**
 * Whether the state store answers, injected by {@link STORE_HEALTH}: only the backend
 * knows how to ask.
 */
export interface StoreHealth {
  status(): Promise<StoreStatus>;
}

export const STORE_HEALTH = Symbol('STORE_HEALTH');
