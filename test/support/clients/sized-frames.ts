import { expect } from 'vitest';
import { decodeFrame } from '@orion/protocol';

/**
 * A valid `method:base64(JSON)` frame of exactly `bytes` bytes carrying `payload`. Base64
 * grows in steps of 4 characters, so the JSON is padded with whitespace to fill the last
 * whole step, and 0 to 3 spaces after the base64 (which the codec trims) make up the rest.
 */
export function frameOfSize(method: string, payload: object, bytes: number): string {
  const json = JSON.stringify(payload);
  const base64Chars = Math.floor((bytes - method.length - 1) / 4) * 4;
  const padding = (base64Chars / 4) * 3 - Buffer.byteLength(json);
  if (padding < 0) throw new Error(`${method} does not fit in ${bytes} bytes`);
  const padded = `${json.slice(0, -1)}${' '.repeat(padding)}}`;
  const frame = `${method}:${Buffer.from(padded, 'utf8').toString('base64')}`;
  const sized = frame + ' '.repeat(bytes - frame.length);
  // The frame must be what it claims, or the boundary tests prove nothing.
  expect(Buffer.byteLength(sized)).toBe(bytes);
  expect(decodeFrame(sized)).toEqual({ method, payload });
  return sized;
}
