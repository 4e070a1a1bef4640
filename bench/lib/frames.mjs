/**
 * Orion's wire format, shared by WebSocket text frames and UDP datagrams:
 * `method:base64(JSON)`. Used by the baseline server and the load generator.
 */
export function encodeFrame(method, payload) {
  return `${method}:${Buffer.from(JSON.stringify(payload), 'utf8').toString('base64')}`;
}

/** `{ method, payload }`, or undefined for anything that does not decode to an object. */
export function decodeFrame(text) {
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(text.slice(colon + 1), 'base64').toString('utf8'));
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
    return { method: text.slice(0, colon), payload };
  } catch {
    return undefined;
  }
}

/** The method of a frame without decoding its payload. */
export function methodOf(text) {
  const colon = text.indexOf(':');
  return colon <= 0 ? undefined : text.slice(0, colon);
}
