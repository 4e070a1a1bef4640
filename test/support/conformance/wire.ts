import type { RawData } from 'ws';

export type Json = Record<string, unknown>;

export function encode(method: string, payload: unknown): string {
  return `${method}:${Buffer.from(JSON.stringify(payload), 'utf8').toString('base64')}`;
}

function rawToBuffer(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return data;
}

type Decoded = { ok: true; method: string; payload: Json } | { ok: false; problem: string };

/** Decodes a server frame, insisting on a text frame of the form method:base64(JSON object). */
export function decodeServerFrame(data: RawData, isBinary: boolean): Decoded {
  if (isBinary) return { ok: false, problem: 'binary frame (spec: text frames only)' };
  const text = rawToBuffer(data).toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return { ok: false, problem: 'frame has no "method:" prefix' };
  const method = text.slice(0, colon);
  const b64 = text.slice(colon + 1);
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(method)) {
    return { ok: false, problem: `method "${method.slice(0, 60)}" is not an identifier` };
  }
  if (b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) {
    return { ok: false, problem: `${method}: payload is not (standard, padded) base64` };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
  } catch {
    return { ok: false, problem: `${method}: payload is not JSON` };
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { ok: false, problem: `${method}: payload is not a JSON object` };
  }
  return { ok: true, method, payload: payload as Json };
}
