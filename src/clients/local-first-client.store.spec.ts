import { describe, expect, it, vi } from 'vitest';
import type { ClientRecord } from './client-store.js';
import { InMemoryClientStore } from './in-memory-client.store.js';
import { LocalFirstClientStore } from './local-first-client.store.js';
import { clientStoreContract } from './testing/client-store.contract.js';

clientStoreContract(async () => new LocalFirstClientStore(new InMemoryClientStore()));

const record = (id: string, replicaId = 'r1'): ClientRecord => ({
  id,
  token: `token-of-${id}`,
  connectedAt: 1,
  replicaId,
});

/** A shared store whose reads are counted, with a client another process registered. */
function sharedWithRemote() {
  const shared = new InMemoryClientStore();
  const reads = { get: vi.spyOn(shared, 'get'), findByToken: vi.spyOn(shared, 'findByToken') };
  return { shared, reads };
}

describe('LocalFirstClientStore', () => {
  it('answers its own clients without reading the shared store', async () => {
    const { shared, reads } = sharedWithRemote();
    const store = new LocalFirstClientStore(shared);
    await store.insert(record('c1'));

    expect(await store.get('c1')).toEqual(record('c1'));
    expect((await store.findByToken('token-of-c1'))?.id).toBe('c1');
    expect(reads.get).not.toHaveBeenCalled();
    expect(reads.findByToken).not.toHaveBeenCalled();
  });

  it("reads other processes' clients from the shared store", async () => {
    const { shared, reads } = sharedWithRemote();
    await shared.insert(record('remote', 'r2'));
    const store = new LocalFirstClientStore(shared);

    expect((await store.get('remote'))?.replicaId).toBe('r2');
    expect((await store.findByToken('token-of-remote'))?.id).toBe('remote');
    expect(reads.get).toHaveBeenCalledTimes(1);
    expect(reads.findByToken).toHaveBeenCalledTimes(1);
  });

  it('forgets a client before the shared delete has answered', async () => {
    const shared = new InMemoryClientStore();
    const store = new LocalFirstClientStore(shared);
    await store.insert(record('c1'));
    let answer!: () => void;
    vi.spyOn(shared, 'delete').mockImplementation(
      () => new Promise((resolve) => (answer = () => resolve(record('c1')))),
    );
    vi.spyOn(shared, 'get').mockResolvedValue(undefined);
    vi.spyOn(shared, 'findByToken').mockResolvedValue(undefined);

    const deleting = store.delete('c1');
    expect(await store.get('c1')).toBeUndefined();
    expect(await store.findByToken('token-of-c1')).toBeUndefined();
    answer();
    expect(await deleting).toEqual(record('c1'));
  });

  it('reads a client that went away from the shared store, and answers it from memory again once resumed here', async () => {
    const { shared, reads } = sharedWithRemote();
    const store = new LocalFirstClientStore(shared);
    await store.insert(record('c1'));

    await store.markAway('c1', 99);
    // Another process may resume or expire it now: only the shared store knows.
    expect(await store.get('c1')).toEqual({ ...record('c1'), awayUntil: 99 });
    expect((await store.findByToken('token-of-c1'))?.awayUntil).toBe(99);
    expect(reads.get).toHaveBeenCalledTimes(1);
    expect(reads.findByToken).toHaveBeenCalledTimes(1);

    await store.resume('token-of-c1', 'r1');
    reads.get.mockClear();
    reads.findByToken.mockClear();
    expect(await store.get('c1')).toEqual(record('c1'));
    expect((await store.findByToken('token-of-c1'))?.id).toBe('c1');
    expect(reads.get).not.toHaveBeenCalled();
    expect(reads.findByToken).not.toHaveBeenCalled();
  });

  it('forgets a client that expired', async () => {
    const shared = new InMemoryClientStore();
    const store = new LocalFirstClientStore(shared);
    await store.insert(record('c1'));
    await store.markAway('c1', 99);

    expect((await store.expire('c1', 99))?.id).toBe('c1');
    expect(await store.get('c1')).toBeUndefined();
    expect(await store.findByToken('token-of-c1')).toBeUndefined();
  });

  it('keeps nothing when the shared insert fails', async () => {
    const shared = new InMemoryClientStore();
    vi.spyOn(shared, 'insert').mockRejectedValue(new Error('store down'));
    const store = new LocalFirstClientStore(shared);

    await expect(store.insert(record('c1'))).rejects.toThrow('store down');
    expect(await store.get('c1')).toBeUndefined();
  });
});
