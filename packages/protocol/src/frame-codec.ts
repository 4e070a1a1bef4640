import { isNestedTooDeeply } from './nesting-depth.js';

/**
 * The wire format shared by WebSocket text frames and UDP datagrams:
 * `method:base64(JSON)`. Decoding never throws; anything malformed (including JSON
 * nested deeper than Orion's payloads ever are) yields `undefined`
 * so that callers can drop it silently, as the protocol asks.
 */
export interface Frame {
  method: string;
  payload: Record<string, unknown>;
}

const METHOD_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;

export function encodeFrame(method: string, payload: object): string {
  return `${method}:${Buffer.from(JSON.stringify(payload), 'utf8').toString('base64')}`;
}

export function decodeFrame(text: string): Frame | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const method = text.slice(0, colon);
  const encoded = text.slice(colon + 1).trim();
  if (!METHOD_PATTERN.test(method) || !BASE64_PATTERN.test(encoded)) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return undefined;
  }
  if (isNestedTooDeeply(payload)) return undefined;
  return { method, payload: payload as Record<string, unknown> };
}

/** The method of a frame without decoding its payload (undefined when there is none). */
export function methodOf(text: string): string | undefined {
  const colon = text.indexOf(':');
  return colon <= 0 ? undefined : text.slice(0, colon);
}
