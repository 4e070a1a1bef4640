import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { buildConfig } from '../config/settings.js';
import { ClientRegistry } from './client-registry.js';
import { HeartbeatService } from './heartbeat.service.js';

const INTERVAL_MS = 1_000;

/** A WebSocket stand-in that counts pings and can answer them. */
class FakeSocket extends EventEmitter {
  readyState: number = WebSocket.OPEN;
  pings = 0;
  terminated = 0;

  ping(): void {
    this.pings++;
  }

  terminate(): void {
    this.terminated++;
    this.readyState = WebSocket.CLOSED;
  }

  pong(): void {
    this.emit('pong');
  }
}

describe('HeartbeatService', () => {
  let registry: ClientRegistry;
  let heartbeat: HeartbeatService;

  const connect = (clientId: string) => {
    const socket = new FakeSocket();
    registry.attach(clientId, socket as unknown as WebSocket);
    return socket;
  };

  beforeEach(() => {
    vi.useFakeTimers();
    registry = new ClientRegistry();
    heartbeat = new HeartbeatService(registry, buildConfig({ wsHeartbeatIntervalMs: INTERVAL_MS }));
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
    vi.advanceTimersByTime(INTERVAL_MS);
    expect(ann.terminated).toBe(1);
    expect(ann.pings).toBe(2);
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
    const other = new HeartbeatService(registry, buildConfig({ wsHeartbeatIntervalMs: 50 }));
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
