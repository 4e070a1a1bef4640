import { expect } from 'vitest';
import { HOST, orion } from './run.js';
import type { Json } from './wire.js';

export interface HttpResult {
  status: number;
  text: string;
  json: unknown;
}

export async function http(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  rawBody?: string,
): Promise<HttpResult> {
  const hasBody = body !== undefined || rawBody !== undefined;
  const res = await fetch(`http://${HOST}:${orion.httpPort}${path}`, {
    method,
    headers: hasBody ? { 'content-type': 'application/json' } : undefined,
    body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
    signal: AbortSignal.timeout(3000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** Returns a description of why `res` is not `status` with a `{ errors: string[] }` body, or null. */
export function errorMismatch(res: HttpResult, status: number): string | null {
  if (res.status !== status)
    return `status ${res.status} (expected ${status}), body ${res.text.slice(0, 200)}`;
  const body = res.json as Json | undefined;
  const ok =
    typeof body === 'object' &&
    body !== null &&
    Object.keys(body).join() === 'errors' &&
    Array.isArray(body.errors) &&
    body.errors.length > 0 &&
    body.errors.every((e) => typeof e === 'string' && e.length > 0);
  return ok ? null : `body ${res.text.slice(0, 200)} is not { errors: string[] } (non-empty)`;
}

export function expectError(res: HttpResult, status: number, what: string): void {
  expect(errorMismatch(res, status), what).toBeNull();
}
