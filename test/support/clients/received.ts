import type { ServerMessages, ServerMethod } from '@orion/protocol';
import { waitUntil } from '../timing.js';
import type { ReceivedMessage, TestClient } from './test-client.js';

/** How many messages the client has received so far: a mark to look for newer ones. */
export const markOf = (client: TestClient): number => client.received.length;

/** Messages received after `mark`. */
export const receivedSince = (client: TestClient, mark: number): ReceivedMessage[] =>
  client.received.slice(mark);

/** Methods received after `mark`, in order. */
export const methodsSince = (client: TestClient, mark: number): string[] =>
  receivedSince(client, mark).map((message) => message.method);

/** How many messages of `method` arrived after `mark`. */
export const countSince = (client: TestClient, method: ServerMethod, mark: number): number =>
  methodsSince(client, mark).filter((m) => m === method).length;

/** The first message of `method` received after `mark`, waiting for it if need be. */
export async function nextSince<M extends ServerMethod>(
  client: TestClient,
  method: M,
  mark: number,
  timeoutMs = 3_000,
): Promise<ServerMessages[M]> {
  const find = () => receivedSince(client, mark).find((message) => message.method === method);
  await waitUntil(() => find() !== undefined, `waiting for ${method}`, timeoutMs);
  return find()!.payload as ServerMessages[M];
}
