import { WebSocket } from 'ws';
import type { ServerMessages, ServerMethod } from '@orion/protocol';
import { TestClient } from '../clients/test-client.js';

/** How a client goes: a WebSocket close handshake, or its TCP socket destroyed. */
export type Departure = 'close' | 'vanish';

/** Generous: the machine is shared, and a wave keeps up to a couple of hundred clients busy. */
export const MESSAGE_TIMEOUT_MS = 6_000;

/**
 * Every client the churn opens while it is open, so that a failed flow's clients are
 * still cleaned up, and the tally of how they went.
 */
export class ChurnClients {
  private readonly live = new Set<TestClient>();
  opened = 0;
  closed = 0;
  vanished = 0;

  constructor(private readonly wsUrl: string) {}

  get liveCount(): number {
    return this.live.size;
  }

  async connect(): Promise<TestClient> {
    this.opened++;
    const client = await TestClient.connect(this.wsUrl);
    this.live.add(client);
    return client;
  }

  /** Opens a socket and destroys it as soon as it is open, likely before `client_registered`. */
  async vanishOnOpen(): Promise<void> {
    this.opened++;
    this.vanished++;
    const ws = new WebSocket(this.wsUrl);
    ws.on('error', () => undefined);
    await new Promise<void>((resolve) => {
      ws.once('open', () => ws.terminate());
      ws.once('close', () => resolve());
    });
  }

  /** Counts a connection made by other means (e.g. a raw upgrade request). */
  countRaw(): void {
    this.opened++;
    this.vanished++;
  }

  /**
   * Closes normally or vanishes (`ws.terminate()` destroys the TCP socket, no close frame);
   * the UDP socket goes either way. Resolves once the client side is closed.
   */
  async leave(client: TestClient, how: Departure): Promise<void> {
    if (!this.live.delete(client)) return;
    if (how === 'vanish') {
      this.vanished++;
      client.ws.terminate();
    } else {
      this.closed++;
    }
    await client.close();
  }

  /** Vanishes every client still open (cleanup after a failure). */
  async vanishAll(): Promise<void> {
    await Promise.all([...this.live].map((client) => this.leave(client, 'vanish')));
  }
}

/**
 * The first `method` message the client received at or after index `from`, waiting for
 * it without polling. Fails early when the socket closes first.
 */
export function messageSince<M extends ServerMethod>(
  client: TestClient,
  method: M,
  from: number,
  timeoutMs = MESSAGE_TIMEOUT_MS,
): Promise<ServerMessages[M]> {
  return messagesSince(client, method, from, 1, timeoutMs).then(([first]) => first);
}

/** The first `count` `method` messages received at or after index `from`, waiting for them. */
export function messagesSince<M extends ServerMethod>(
  client: TestClient,
  method: M,
  from: number,
  count: number,
  timeoutMs = MESSAGE_TIMEOUT_MS,
): Promise<ServerMessages[M][]> {
  const found = () =>
    client.received
      .slice(from)
      .filter((message) => message.method === method)
      .map((message) => message.payload as ServerMessages[M]);
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = () => {
      done = true;
      clearTimeout(timer);
      client.ws.off('message', check);
      client.ws.off('close', closed);
    };
    const check = () => {
      const messages = found();
      if (messages.length < count) return;
      finish();
      resolve(messages.slice(0, count));
    };
    const closed = () => {
      finish();
      reject(new Error(`socket closed while waiting for ${count} ${method}`));
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`timed out waiting for ${count} ${method}; got ${found().length}`));
    }, timeoutMs);
    // TestClient's own listener was added first, so `received` is up to date in `check`.
    client.ws.on('message', check);
    client.ws.on('close', closed);
    check();
    if (!done && client.ws.readyState === WebSocket.CLOSED) closed();
  });
}

/** True when the client got `method` at or after `from`. */
export const gotSince = (client: TestClient, method: ServerMethod, from: number): boolean =>
  client.received.slice(from).some((message) => message.method === method);
