import { waitUntil } from '../timing.js';
import { TestClient } from '../clients/test-client.js';
import type { OrionAddress } from '../orion/orion-test-app.js';
import type { ClientPool } from './mediation-flows.js';

/**
 * Cuts the client's connection without a close frame, as a phone switching networks does:
 * the server sees its socket close with 1006. Resolves once the client's side is closed.
 */
export async function dropConnection(client: TestClient): Promise<void> {
  const closed = new Promise<void>((resolve) => client.ws.once('close', () => resolve()));
  client.ws.terminate();
  await closed;
}

/** The close code the server ends `client`'s socket with, once it does. */
export function closeCodeOf(client: TestClient): Promise<number> {
  return new Promise((resolve) => client.ws.once('close', (code: number) => resolve(code)));
}

/**
 * Opens a new socket (kept in `pool`) and sends `client_resume` with `token`, without
 * waiting for the answer. Its own new token is kept in `freshToken`; `token` becomes the one
 * it resumes, for the test's later requests.
 */
export async function sendResume(
  orion: OrionAddress,
  pool: ClientPool,
  token: string,
  chatReceived?: number,
): Promise<{ client: TestClient; freshToken: string }> {
  const client = await pool.connect(orion);
  const freshToken = client.token;
  client.send('client_resume', chatReceived === undefined ? { token } : { token, chatReceived });
  return { client, freshToken };
}

/** {@link sendResume}, then waits for `client_resumed` and returns its payload too. */
export async function resume(
  orion: OrionAddress,
  pool: ClientPool,
  token: string,
  chatReceived?: number,
) {
  const { client, freshToken } = await sendResume(orion, pool, token, chatReceived);
  const summary = await client.next('client_resumed');
  client.token = token;
  return { client, freshToken, summary };
}

/** Waits until the server has `count` clients (away ones included). */
export async function waitForClientCount(
  count: () => Promise<number>,
  expected: number,
  timeoutMs = 3_000,
): Promise<void> {
  await waitUntil(async () => (await count()) === expected, `${expected} clients`, timeoutMs);
}
