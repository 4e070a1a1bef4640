import { Logger } from '@nestjs/common';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import type { OrionEventBus } from '../common/orion-events.js';
import { RecordingEventBus } from '../common/testing/recording-doubles.js';
import { StoreUnavailable } from '../common/store-unavailable.js';
import { buildConfig } from '../config/settings.js';
import { ClientRegistry } from '../connections/client-registry.js';
import { RecentChat } from '../connections/recent-chat.js';
import { ReplicaIdentity } from '../connections/replica-identity.js';
import { GraceTimers } from './grace-timers.js';
import { ClientsService } from './clients.service.js';
import { ReconnectionService } from './reconnection.service.js';
import { InMemoryClientStore } from './in-memory-client.store.js';

const GRACE_MS = 10_000;
const chat = (message: string) => ({
  lobbyId: 'ABCDE',
  message: { timestamp: 1, senderName: 'Ann', message },
});

describe('ReconnectionService', () => {
  let store: InMemoryClientStore;
  let events: RecordingEventBus;
  let registry: ClientRegistry;
  let recentChat: RecentChat;
  let away: GraceTimers;
  let clients: ClientsService;
  let reconnection: ReconnectionService;

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  function newServices(reconnectGraceMs = GRACE_MS) {
    const config = buildConfig({ reconnectGraceMs });
    store = new InMemoryClientStore();
    events = new RecordingEventBus();
    recentChat = new RecentChat(config);
    registry = new ClientRegistry(config, events as unknown as OrionEventBus, recentChat);
    away = new GraceTimers();
    const replica = new ReplicaIdentity();
    const bus = events as unknown as OrionEventBus;
    clients = new ClientsService(store, bus, replica, recentChat);
    reconnection = new ReconnectionService(
      store,
      clients,
      bus,
      replica,
      config,
      away,
      registry,
      recentChat,
    );
  }

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    newServices();
  });
  afterEach(() => {
    away.onApplicationShutdown();
    vi.useRealTimers();
  });

  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  const elapse = async (ms: number) => {
    await vi.advanceTimersByTimeAsync(ms);
    await settle();
  };

  it('holds a client away for the grace, announces it, then lets it leave as a disconnect does', async () => {
    const { clientId } = await clients.register();
    await reconnection.markAway(clientId);

    expect(events.of('client.away')).toEqual([{ clientId }]);
    expect(await clients.isRegistered(clientId)).toBe(true);
    expect(reconnection.awayCount).toBe(1);

    await elapse(GRACE_MS - 1);
    expect(events.of('client.disconnected')).toEqual([]);
    await elapse(1);
    expect(events.of('client.disconnected')).toEqual([{ clientId }]);
    expect(await clients.isRegistered(clientId)).toBe(false);
    expect(reconnection.awayCount).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps the latest chat sent to an away client, and drops it when the grace ends', async () => {
    const { clientId } = await clients.register();
    const marking = reconnection.markAway(clientId);
    // Sent before the store has answered: kept all the same.
    registry.send(clientId, 'lobby_messaging_received', chat('early'));
    await marking;
    registry.send(clientId, 'lobby_messaging_received', chat('later'));
    registry.send(clientId, 'lobby_peerConnect', { lobbyId: 'ABCDE', peerName: 'Cid' });

    expect(recentChat.peek(clientId).map((m) => m.message.message)).toEqual(['early', 'later']);
    await elapse(GRACE_MS);
    expect(recentChat.size).toBe(0);
  });

  it('resumes an away client by its token: its timer stops, and it never leaves', async () => {
    const { clientId, token } = await clients.register();
    await reconnection.markAway(clientId);

    const result = await reconnection.resume(token);

    expect(result).toMatchObject({ outcome: 'resumed', wasAway: true, client: { id: clientId } });
    expect(reconnection.awayCount).toBe(0);
    await elapse(2 * GRACE_MS);
    expect(events.of('client.disconnected')).toEqual([]);
    expect(await clients.isRegistered(clientId)).toBe(true);
  });

  it('lets a resume that arrives while the client is still going away wait for it', async () => {
    const { clientId, token } = await clients.register();
    const marking = reconnection.markAway(clientId);
    const resuming = reconnection.resume(token);
    await marking;

    expect(await resuming).toMatchObject({ outcome: 'resumed', wasAway: true });
    await elapse(2 * GRACE_MS);
    expect(events.of('client.disconnected')).toEqual([]);
  });

  it('resumes nobody with an unknown token, or after the grace', async () => {
    const { clientId, token } = await clients.register();
    expect(await reconnection.resume('nobody-has-this')).toEqual({ outcome: 'unknown' });
    await reconnection.markAway(clientId);
    await elapse(GRACE_MS);
    expect(await reconnection.resume(token)).toEqual({ outcome: 'unknown' });
  });

  it('lets a client whose resume failed half-way (the store stalled) leave when its grace ends', async () => {
    const { clientId, token } = await clients.register();
    await reconnection.markAway(clientId);
    const resume = store.resume.bind(store);
    // The store attached the record, but the answer never came back.
    vi.spyOn(store, 'resume').mockImplementationOnce(async (...args) => {
      await resume(...args);
      throw new StoreUnavailable(new Error('timed out'));
    });

    await expect(reconnection.resume(token)).rejects.toBeInstanceOf(StoreUnavailable);
    await elapse(GRACE_MS);

    expect(events.of('client.disconnected')).toEqual([{ clientId }]);
    expect(await clients.isRegistered(clientId)).toBe(false);
  });

  it('disconnects at once with a grace of 0, and at shutdown lets every away client leave now', async () => {
    const { clientId: away1 } = await clients.register();
    await reconnection.markAway(away1);
    await reconnection.beforeApplicationShutdown();
    expect(events.of('client.disconnected')).toEqual([{ clientId: away1 }]);
    expect(reconnection.awayCount).toBe(0);
    expect(vi.getTimerCount()).toBe(0);

    // Once shutting down, nobody is held any more.
    const { clientId: late } = await clients.register();
    await reconnection.markAway(late);
    expect(events.of('client.away')).toEqual([{ clientId: away1 }]);
    expect(await clients.isRegistered(late)).toBe(false);

    newServices(0);
    const { clientId: plain } = await clients.register();
    await reconnection.markAway(plain);
    expect(events.of('client.away')).toEqual([]);
    expect(events.of('client.disconnected')).toEqual([{ clientId: plain }]);
    expect(reconnection.enabled).toBe(false);
  });

  it('holds nothing for a client already gone', async () => {
    await reconnection.markAway('nobody');
    expect(events.of('client.away')).toEqual([]);
    expect(reconnection.awayCount).toBe(0);
    expect(recentChat.size).toBe(0);
  });

  it('keeps the chat of a client with a socket here until it leaves', async () => {
    const { clientId } = await clients.register();
    registry.attach(clientId, { readyState: 1, send: () => undefined } as unknown as WebSocket);
    registry.send(clientId, 'lobby_messaging_received', chat('hi'));
    expect(recentChat.peek(clientId)).toHaveLength(1);
    await clients.disconnect(clientId);
    expect(recentChat.size).toBe(0);
  });
});
