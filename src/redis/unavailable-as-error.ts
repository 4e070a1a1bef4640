import type { Redis } from 'ioredis';
import { StoreUnavailable } from '../common/store-unavailable.js';

/**
 * The same connection, except that a command Redis fails (down, unreachable,
 * reconnecting) rejects with {@link StoreUnavailable}, which every transport knows how
 * to answer. Only commands are wrapped, so errors a store's change function throws on
 * purpose pass through untouched.
 */
export function unavailableAsError(redis: Redis): Redis {
  // One wrapper per method, made on first use: every command of every request passes here.
  const wrappers = new Map<PropertyKey, { of: unknown; wrapper: unknown }>();
  return new Proxy(redis, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const known = wrappers.get(property);
      if (known?.of === value) return known.wrapper;
      const wrapper = (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        if (result instanceof Promise) return result.catch(asUnavailable);
        if (property === 'multi' || property === 'pipeline') guardExec(result);
        return result;
      };
      wrappers.set(property, { of: value, wrapper });
      return wrapper;
    },
  });
}

function asUnavailable(error: unknown): never {
  throw error instanceof StoreUnavailable ? error : new StoreUnavailable(error);
}

function guardExec(batch: unknown): void {
  const withExec = batch as { exec: (...args: unknown[]) => Promise<unknown> };
  const exec = withExec.exec.bind(batch);
  withExec.exec = (...args) => exec(...args).catch(asUnavailable);
}
