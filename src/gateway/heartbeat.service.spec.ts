import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { OrionEventBus } from '../common/orion-events.js';
import { RecordingEventBus } from '../common/testing/recording-doubles.js';
import { buildConfig } from '../config/settings.js';
import { RecentChat } from '../connections/recent-chat.js';
import { ClientRegistry } from '../connections/client-registry.js';
import { HeartbeatService } from './heartbeat.service.js';

const INTERVAL_MS = 1_000;

/** A WebSocket stand-in that counts pings and can answer them. */
class FakeSocket extends EventEmitter {
  readyState: number = WebSocket.OPEN;
  pings = 0;
  terminated = 0;
  private readonly payloads: Buffer[] = [];

  ping(data: Buffer): void {
    this.pings++;
    this.payloads.push(data);
  }

  terminate(): void {
    this.terminated++;
    this.readyState = WebSocket.CLOSED;
  }

  /** Answers the last ping, echoing its payload as RFC 6455 asks. */
  pong(): void {
    this.emit('pong', this.payloads.at(-1));
  }

  /** Answers the ping `back` pings before the last one. */
  pongTo(back: number): void {
    this.emit('pong', this.payloads.at(-1 - back));
  }

  /** A pong nobody asked for: what a client can send without reading anything. */
  unsolicitedPong(data: Buffer = Buffer.alloc(0)): void {
    this.emit('pong', data);
  }
}

describe('HeartbeatService', () => {
  let registry: ClientRegistry;
  let heartbeat: HeartbeatService;
  let events: RecordingEventBus;
  const newHeartbeat = (intervalMs: number) =>
    new HeartbeatService(
      registry,
      buildConfig({ wsHeartbeatIntervalMs: intervalMs }),
      events as unknown as OrionEventBus,
    );

  const connect = (clientId: string) => {
    const socket = new FakeSocket();
    registry.attach(clientId, socket as unknown as WebSocket);
    return socket;
  };

  beforeEach(() => {
    vi.useFakeTimers();
    events = new RecordingEventBus();
    const config = buildConfig();
    registry = new ClientRegistry(
      config,
      events as unknown as OrionEventBus,
      new RecentChat(config),
    );
    heartbeat = newHeartbeat(INTERVAL_MS);
    heartbeat.onApplicationBootstrap();
  });

  afterEach(() => {
    heartbeat.onModuleDestroy();
    vi.useRealTimers();
  });

  it('pings every open client once per interval', () => {
    const ann = connect('ann');
    const bob = connect('bob');
    vi.advanceTimersByTime(INTERVAL_MS - 1);
    expect([ann.pings, bob.pings]).toEqual([0, 0]);
    vi.advanceTimersByTime(1);
    expect([ann.pings, bob.pings]).toEqual([1, 1]);
    ann.pong();
    bob.pong();
    vi.advanceTimersByTime(INTERVAL_MS);
    expect([ann.pings, bob.pings]).toEqual([2, 2]);
  });

  it('terminates a client after two pings in a row went unanswered, at the third beat', () => {
    const ann = connect('ann');
    vi.advanceTimersByTime(2 * INTERVAL_MS);
    expect(ann.pings).toBe(2);
    expect(ann.terminated).toBe(0);
    expect(registry.endedByServer(ann as unknown as WebSocket)).toBe(false);
    vi.advanceTimersByTime(INTERVAL_MS);
    expect(ann.terminated).toBe(1);
    expect(ann.pings).toBe(2);
    expect(events.of('ws.closed')).toEqual([{ reason: 'heartbeat_timeout' }]);
    // The server ended it: no reconnection grace.
    expect(registry.endedByServer(ann as unknown as WebSocket)).toBe(true);
  });

  it('does not count pongs nobody asked for: a client that never reads is still ended', () => {
    const ann = connect('ann');
    for (let beat = 0; beat < 3; beat++) {
      vi.advanceTimersByTime(INTERVAL_MS);
      ann.unsolicitedPong();
      ann.unsolicitedPong(Buffer.alloc(12, 7));
    }
    expect(ann.terminated).toBe(1);
  });

  it("does not count a pong that replays another socket's ping", () => {
    const ann = connect('ann');
    const bob = connect('bob');
    for (let beat = 0; beat < 3; beat++) {
      vi.advanceTimersByTime(INTERVAL_MS);
      bob.pong();
      // Ann echoes what Bob was sent: the same shape, another secret.
      ann.emit('pong', (bob as unknown as { payloads: Buffer[] }).payloads.at(-1));
    }
    expect([ann.terminated, bob.terminated]).toEqual([1, 0]);
  });

  it('counts a late answer to the ping before the last one', () => {
    const ann = connect('ann');
    for (let beat = 0; beat < 10; beat++) {
      vi.advanceTimersByTime(INTERVAL_MS);
      if (beat >= 1) ann.pongTo(1);
    }
    expect(ann.terminated).toBe(0);
  });

  it('keeps a client that answers, even one pong late, for as long as it answers', () => {
    const ann = connect('ann');
    for (let beat = 0; beat < 20; beat++) {
      vi.advanceTimersByTime(INTERVAL_MS);
      // Answers every second ping only: never two misses in a row.
      if (beat % 2 === 1) ann.pong();
    }
    expect(ann.terminated).toBe(0);
    expect(ann.pings).toBe(20);
  });

  it('leaves sockets that are not open alone', () => {
    const ann = connect('ann');
    ann.readyState = WebSocket.CLOSING;
    vi.advanceTimersByTime(5 * INTERVAL_MS);
    expect([ann.pings, ann.terminated]).toEqual([0, 0]);
  });

  it('listens for pongs once per socket', () => {
    const ann = connect('ann');
    vi.advanceTimersByTime(10 * INTERVAL_MS);
    expect(ann.listenerCount('pong')).toBe(1);
  });

  it('runs on a timer that does not keep the process alive', () => {
    const setInterval = vi.spyOn(globalThis, 'setInterval');
    const other = newHeartbeat(50);
    other.onApplicationBootstrap();
    try {
      expect(setInterval).toHaveBeenCalledTimes(1);
      expect((setInterval.mock.results[0].value as NodeJS.Timeout).hasRef()).toBe(false);
    } finally {
      other.onModuleDestroy();
      setInterval.mockRestore();
    }
  });

  it('stops beating when the module is destroyed', () => {
    const ann = connect('ann');
    expect(vi.getTimerCount()).toBe(1);
    heartbeat.onModuleDestroy();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10 * INTERVAL_MS);
    expect(ann.pings).toBe(0);
  });
});
