const REDACTED = '[redacted]';
const MAX_DEPTH = 8;

/**
 * A copy of `value` in which every property named `token`, at any depth, is replaced.
 * Tokens are bearer secrets: no log line may carry one, whoever wrote the line.
 */
export function redactTokens<T>(value: T, depth = 0): T {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => redactTokens(item, depth + 1)) as T;
  if (!hasNestedObjectOrToken(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = key === 'token' ? REDACTED : redactTokens(item, depth + 1);
  }
  return copy as T;
}

/** Plain flat objects without a token need no copy: the common case stays cheap. */
function hasNestedObjectOrToken(value: object): boolean {
  for (const [key, item] of Object.entries(value)) {
    if (key === 'token' || (typeof item === 'object' && item !== null)) return true;
  }
  return false;
}
