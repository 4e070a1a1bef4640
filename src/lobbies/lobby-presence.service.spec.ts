import { beforeEach, describe, expect, it } from 'vitest';
import type { ClientsService } from '../clients/clients.service.js';
import type { OrionEventBus } from '../common/orion-events.js';
import { RecordingEventBus, RecordingMessenger } from '../common/testing/recording-doubles.js';
import { InMemoryLobbyStore } from './in-memory-lobby.store.js';
import { LobbiesService } from './lobbies.service.js';
import { LobbyPresenceService } from './lobby-presence.service.js';

describe('LobbyPresenceService', () => {
  let messenger: RecordingMessenger;
  let lobbies: LobbiesService;
  let presence: LobbyPresenceService;
  let lobbyId: string;

  beforeEach(async () => {
    messenger = new RecordingMessenger();
    const clients = { isRegistered: async () => true } as unknown as ClientsService;
    lobbies = new LobbiesService(
      new InMemoryLobbyStore(),
      messenger,
      new RecordingEventBus() as unknown as OrionEventBus,
      clients,
    );
    presence = new LobbyPresenceService(lobbies, messenger);
    ({ lobbyId } = await lobbies.create('c-ann', {
      hostName: 'Ann',
      lobbyName: 'Friday Night',
      isPublic: true,
      maxMembers: 4,
    }));
    await lobbies.join('c-bob', lobbyId, 'Bob');
    await lobbies.join('c-cid', lobbyId, 'Cid');
    messenger.sent.length = 0;
  });

  it('tells the other members, and only them, that a member is away, by its lobby name', async () => {
    await presence.onAway({ clientId: 'c-bob' });

    expect(messenger.sent).toEqual(
      ['c-ann', 'c-cid'].map((to) => ({
        to,
        method: 'lobby_peerAway',
        payload: { lobbyId, peerName: 'Bob' },
      })),
    );
  });

  it('tells them the same way when it is back; an away host is named too', async () => {
    await presence.onAway({ clientId: 'c-ann' });
    await presence.onBack({ clientId: 'c-ann' });

    expect(messenger.sent.map(({ to, method, payload }) => [to, method, payload])).toEqual([
      ['c-bob', 'lobby_peerAway', { lobbyId, peerName: 'Ann' }],
      ['c-cid', 'lobby_peerAway', { lobbyId, peerName: 'Ann' }],
      ['c-bob', 'lobby_peerBack', { lobbyId, peerName: 'Ann' }],
      ['c-cid', 'lobby_peerBack', { lobbyId, peerName: 'Ann' }],
    ]);
  });

  it('sends nothing for a client in no lobby', async () => {
    await presence.onAway({ clientId: 'c-nobody' });
    await presence.onBack({ clientId: 'c-nobody' });

    expect(messenger.sent).toEqual([]);
  });
});
