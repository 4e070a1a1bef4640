import { decodeFrame } from '@orion/protocol';
import { percentile, sleep } from '../lib/stats.mjs';
import { Http, buildLobby } from './protocol.mjs';

const RECEIVED = 'lobby_messaging_received:';

/**
 * Scenario 3, chat fan-out: one lobby of `members`, chat messages offered open-loop at
 * `rate` per second for `durationMs` from the members in turn. A message's latency is
 * from its send until the last member received it.
 */
export async function runChat({ target, params, mark }) {
  const http = new Http(target.host, target.httpPort);
  const { lobbyId, clients } = await buildLobby(target, http, params.members);
  http.close();
  const tracker = new Tracker(clients.length);
  for (const client of clients) client.onFrame = (text) => tracker.receive(text);
  const send = (seq) => {
    const client = clients[seq % clients.length];
    tracker.sentAt[seq] = performance.now();
    client.send('lobby_messaging_send', { token: client.token, lobbyId, message: `m${seq} gg` });
  };

  const warmup = Math.round((params.warmupRate * params.warmupMs) / 1000);
  await offer(send, 0, warmup, params.warmupRate);
  await tracker.drained(warmup, params.drainMs);

  tracker.reset();
  const total = Math.round((params.rate * params.durationMs) / 1000);
  await mark('chat:begin');
  const started = performance.now();
  await offer(send, warmup, total, params.rate);
  const offerMs = performance.now() - started;
  await tracker.drained(total, params.drainMs);
  const windowMs = performance.now() - started;
  await mark('chat:end');
  await Promise.all(clients.map((client) => client.close()));
  return {
    members: clients.length,
    offered: total,
    offeredPerSec: (total * 1000) / offerMs,
    complete: tracker.latencies.length,
    deliveries: tracker.deliveries,
    windowMs,
    p50Ms: percentile(tracker.latencies, 50),
    p99Ms: percentile(tracker.latencies, 99),
    maxMs: Math.max(...tracker.latencies),
  };
}

/** Sends `count` messages from sequence number `first`, paced at `rate` per second. */
async function offer(send, first, count, rate) {
  const started = performance.now();
  let sent = 0;
  while (sent < count) {
    const due = Math.min(count, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
    for (; sent < due; sent++) send(first + sent);
    await sleep(1);
  }
}

/** Counts deliveries per message; a message is complete when every member has it. */
class Tracker {
  sentAt = [];
  latencies = [];
  deliveries = 0;
  #pending = new Map();

  constructor(members) {
    this.members = members;
  }

  /** Handles a raw frame; true when it was a chat delivery. */
  receive(text) {
    if (!text.startsWith(RECEIVED)) return false;
    const now = performance.now();
    this.deliveries++;
    // Every member gets the same frame text, so it is decoded once per message.
    let entry = this.#pending.get(text);
    if (!entry) {
      const seq = Number(/^m(\d+)/.exec(decodeFrame(text).payload.message.message)[1]);
      entry = { seq, count: 0 };
      this.#pending.set(text, entry);
    }
    if (++entry.count === this.members) {
      this.#pending.delete(text);
      this.latencies.push(now - this.sentAt[entry.seq]);
    }
    return true;
  }

  reset() {
    this.latencies = [];
    this.deliveries = 0;
  }

  async drained(count, timeoutMs) {
    const deadline = performance.now() + timeoutMs;
    while (this.latencies.length < count && performance.now() < deadline) await sleep(2);
  }
}
