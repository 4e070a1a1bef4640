/**
 * How deeply any message Orion accepts may nest objects and arrays. Orion's own
 * payloads nest two levels; the bound keeps a 3 KB body of `[[[[...` from overflowing
 * the stack of class-transformer, which recurses once per level.
 */
export const MAX_NESTING_DEPTH = 16;

/** True when `value` holds objects or arrays nested more than `maxDepth` levels deep. */
export function isNestedTooDeeply(value: unknown, maxDepth = MAX_NESTING_DEPTH): boolean {
  // Iterative, so that the check itself cannot overflow the stack.
  const pending: { node: unknown; depth: number }[] = [{ node: value, depth: 1 }];
  while (pending.length > 0) {
    const { node, depth } = pending.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > maxDepth) return true;
    for (const child of Object.values(node)) pending.push({ node: child, depth: depth + 1 });
  }
  return false;
}
