import { Logger } from '@nestjs/common';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ClientRecord, ClientStore } from '../clients/client-store.js';
import type { ClientRegistry } from '../connections/client-registry.js';
import type { ReplicaIdentity } from '../connections/replica-identity.js';
import type { ReplicaChannel, ReplicaMessage } from './replica-channel.js';
import { ReplicatedMessenger } from './replicated-messenger.js';

const record = (id: string, replicaId: string): ClientRecord => ({
  id,
  token: `t-${id}`,
  connectedAt: 0,
  replicaId,
});

function setUp(localIds: string[], records: ClientRecord[]) {
  const localSent: { clientIds: readonly string[]; method: string }[] = [];
  const published: {
    replicaId: string;
    delivery: ReplicaMessage & { kind: 'delivery' | 'relay' };
  }[] = [];
  const local = {
    holds: (clientId: string) => localIds.includes(clientId),
    sendMany: (clientIds: readonly string[], method: string) =>
      localSent.push({ clientIds, method }),
  } as unknown as ClientRegistry;
  const clients = {
    // Later lookups answer sooner: forwarding must still keep the sending order.
    get: (id: string) =>
      new Promise((resolve) =>
        setTimeout(() => resolve(records.find((r) => r.id === id)), published.length ? 0 : 20),
      ),
  } as unknown as ClientStore;
  const channel = {
    publish: async (replicaId: string, delivery: ReplicaMessage) => {
      if (delivery.kind === 'delivery' || delivery.kind === 'relay')
        published.push({ replicaId, delivery });
      return 1;
    },
    handle: () => undefined,
  } as unknown as ReplicaChannel;
  return {
    messenger: new ReplicatedMessenger(local, clients, channel, { id: 'here' } as ReplicaIdentity),
    localSent,
    published,
  };
}

describe('ReplicatedMessenger', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('sends to local sockets at once and forwards the rest to the replica holding each', async () => {
    const { messenger, localSent, published } = setUp(
      ['c-here'],
      [record('c-b1', 'B'), record('c-b2', 'B'), record('c-c1', 'C')],
    );
    messenger.sendMany(['c-here', 'c-b1', 'c-c1', 'c-b2'], 'lobby_closed', {
      lobbyId: 'ABCDE',
      lobbyName: 'x',
    });
    expect(localSent).toEqual([{ clientIds: ['c-here'], method: 'lobby_closed' }]);
    await messenger.flushed();
    expect(published.map(({ replicaId, delivery }) => [replicaId, delivery.clientIds])).toEqual([
      ['B', ['c-b1', 'c-b2']],
      ['C', ['c-c1']],
    ]);
  });

  it('forwards in the order messages were sent, and drops clients that have left', async () => {
    const { messenger, published } = setUp([], [record('c-b1', 'B')]);
    messenger.send('c-b1', 'ptpMediation_send', { port: 1 });
    messenger.send('c-gone', 'ptpMediation_send', { port: 2 });
    messenger.send('c-b1', 'ptpMediation_send', { port: 3 });
    await messenger.flushed();
    expect(published.map(({ delivery }) => delivery.payload)).toEqual([{ port: 1 }, { port: 3 }]);
  });

  it("relays a lobby's messages through the host's replica, delivering nothing here first", async () => {
    const { messenger, localSent, published } = setUp(
      ['c-here'],
      [record('c-host', 'H'), record('c-b1', 'B')],
    );
    messenger.sendMany(
      ['c-host', 'c-here', 'c-b1'],
      'lobby_peerConnect',
      { lobbyId: 'ABCDE', peerName: 'x' },
      'c-host',
    );
    await messenger.flushed();
    expect(localSent).toEqual([]);
    expect(
      published.map(({ replicaId, delivery }) => [replicaId, delivery.kind, delivery.clientIds]),
    ).toEqual([['H', 'relay', ['c-host', 'c-here', 'c-b1']]]);
  });

  it('sends at once when the lobby host is here, and directly when the host has left', async () => {
    const { messenger, localSent, published } = setUp(['c-host', 'c-here'], [record('c-b1', 'B')]);
    messenger.sendMany(
      ['c-host', 'c-b1'],
      'lobby_closed',
      { lobbyId: 'ABCDE', lobbyName: 'x' },
      'c-host',
    );
    messenger.sendMany(
      ['c-here', 'c-b1'],
      'lobby_closed',
      { lobbyId: 'FGHIJ', lobbyName: 'y' },
      'c-gone',
    );
    await messenger.flushed();
    expect(localSent).toEqual([
      { clientIds: ['c-host'], method: 'lobby_closed' },
      { clientIds: ['c-here'], method: 'lobby_closed' },
    ]);
    expect(published.map(({ replicaId, delivery }) => [replicaId, delivery.kind])).toEqual([
      ['B', 'delivery'],
      ['B', 'delivery'],
    ]);
  });
});
