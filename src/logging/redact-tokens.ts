const REDACTED = '[redacted]';
const MAX_DEPTH = 8;

/**
 * A copy of `value` in which every property named `token`, at any depth of plain objects
 * and arrays, is replaced. Tokens are bearer secrets: no log line may carry one, whoever
 * wrote the line. Class instances (requests, sockets, errors) are left to their
 * serializers: walking them would cost far more than the line itself.
 */
export function redactTokens<T>(value: T, depth = 0): T {
  if (depth > MAX_DEPTH || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    return value.some(needsCopy)
      ? (value.map((item) => redactTokens(item, depth + 1)) as T)
      : value;
  }
  if (!isPlainObject(value) || !needsCopy(value, depth)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = key === 'token' ? REDACTED : redactTokens(item, depth + 1);
  }
  return copy as T;
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Whether a value holds a token or a plain object or array that might: the common case needs no copy. */
function needsCopy(value: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH || typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some((item) => needsCopy(item, depth + 1));
  if (!isPlainObject(value)) return false;
  for (const [key, item] of Object.entries(value)) {
    if (key === 'token' || needsCopy(item, depth + 1)) return true;
  }
  return false;
}
