import { describe, expect, it } from 'vitest';
import type { ReplicaIdentity } from '../connections/replica-identity.js';
import type { ReplicaChannel, ReplicaMessage } from './replica-channel.js';
import { ReplicatedHandover } from './replicated-handover.js';

type Handlers = Record<string, (message: ReplicaMessage) => void>;

/** Replicas whose channels deliver to each other at once, as Redis would a moment later. */
function replicas(...ids: string[]) {
  const handlers = new Map<string, Handlers>(ids.map((id) => [id, {}]));
  const published: { to: string; message: ReplicaMessage }[] = [];
  const channelOf = (id: string) =>
    ({
      handle: (kind: string, handler: (message: ReplicaMessage) => void) => {
        handlers.get(id)![kind] = handler;
      },
      publish: async (to: string, message: ReplicaMessage) => {
        published.push({ to, message });
        const handler = handlers.get(to)?.[message.kind];
        if (!handler) return 0;
        setImmediate(() => handler(JSON.parse(JSON.stringify(message)) as ReplicaMessage));
        return 1;
      },
    }) as unknown as ReplicaChannel;
  const handover = (id: string, timeoutMs?: number) =>
    new ReplicatedHandover(channelOf(id), { id } as ReplicaIdentity, timeoutMs);
  return { handover, published };
}

const chat = {
  entries: [{ lobbyId: 'L', message: { timestamp: 1, senderName: 'Ann', message: 'hi' } }],
  total: 3,
  awayFrom: 2,
};

describe('ReplicatedHandover', () => {
  it('asks the holding replica, which lets the client go and answers with what it kept', async () => {
    const { handover, published } = replicas('A', 'B');
    const asked: string[] = [];
    handover('A').serve(async (clientId) => {
      asked.push(clientId);
      return { socketClosed: true, chat };
    });
    expect(await handover('B').request('A', 'c1')).toEqual({
      socketClosed: true,
      chat,
    });
    expect(asked).toEqual(['c1']);
    expect(published.map(({ to, message }) => [to, message.kind])).toEqual([
      ['A', 'handoverRequest'],
      ['B', 'handoverReply'],
    ]);
  });

  it('gives up on a replica that does not answer in time', async () => {
    const { handover } = replicas('A', 'B');
    handover('A').serve(() => new Promise(() => undefined));
    const startedAt = Date.now();
    expect(await handover('B', 50).request('A', 'c1')).toBeUndefined();
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(45);
  });

  it('matches each answer to its own request', async () => {
    const { handover } = replicas('A', 'B');
    handover('A').serve(async (clientId) => ({
      socketClosed: clientId === 'c2',
    }));
    const asker = handover('B');
    const [first, second] = await Promise.all([asker.request('A', 'c1'), asker.request('A', 'c2')]);
    expect(first?.socketClosed).toBe(false);
    expect(second?.socketClosed).toBe(true);
  });
});
