import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { decodeFrame } from '@orion/protocol';
import type { OrionEventBus } from '../common/orion-events.js';
import { RecordingEventBus } from '../common/testing/recording-doubles.js';
import type { OrionSettings } from '../config/orion-config.js';
import { buildConfig } from '../config/settings.js';
import { ClientRegistry, SLOW_READER_CLOSE_CODE, SLOW_READER_GRACE_MS } from './client-registry.js';
import { RecentChat, RECENT_CHAT_LIMIT } from './recent-chat.js';

function newRegistry(settings: Partial<OrionSettings> = {}, events = new RecordingEventBus()) {
  const config = buildConfig(settings);
  return new ClientRegistry(config, events as unknown as OrionEventBus, new RecentChat(config));
}

/** A registry with reconnection on, and the chat it records. */
function reconnectingRegistry() {
  const config = buildConfig({ reconnectGraceMs: 5_000 });
  const recentChat = new RecentChat(config);
  const registry = new ClientRegistry(
    config,
    new RecordingEventBus() as unknown as OrionEventBus,
    recentChat,
  );
  return { registry, recentChat };
}

/** A TCP stand-in that records each write the kernel would see: one entry per write(v). */
class RecordingTransport extends Writable {
  readonly writes: string[][] = [];

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.writes.push([chunk.toString()]);
    done();
  }

  override _writev(chunks: { chunk: Buffer }[], done: () => void): void {
    this.writes.push(chunks.map(({ chunk }) => chunk.toString()));
    done();
  }

  methods(): string[][] {
    return this.writes.map((write) => write.map((frame) => decodeFrame(frame)!.method));
  }
}

/** An open WebSocket whose frames go straight to `transport`, as ws does. */
function openSocket(transport: Writable): WebSocket {
  return { readyState: 1, send: (frame: Buffer) => transport.write(frame) } as unknown as WebSocket;
}

const chat = (message: string) => ({
  lobbyId: 'ABCDE',
  message: { timestamp: 1, senderName: 'Ann', message },
});

describe('ClientRegistry', () => {
  it('writes the chat messages a client gets in one turn as one write, in order, at the end of the turn', async () => {
    const registry = newRegistry();
    const transport = new RecordingTransport();
    registry.attach('ann', openSocket(transport), transport);

    for (const text of ['one', 'two', 'three']) {
      registry.sendMany(['ann'], 'lobby_messaging_received', chat(text));
    }
    expect(transport.writes).toEqual([]);

    await nextTurn();
    expect(transport.methods()).toEqual([
      ['lobby_messaging_received', 'lobby_messaging_received', 'lobby_messaging_received'],
    ]);
    const texts = transport.writes[0].map(
      (frame) => (decodeFrame(frame)!.payload as ReturnType<typeof chat>).message.message,
    );
    expect(texts).toEqual(['one', 'two', 'three']);
  });

  it('writes any other message at once, after the chat already waiting for that client', async () => {
    const registry = newRegistry();
    const transport = new RecordingTransport();
    registry.attach('ann', openSocket(transport), transport);

    registry.sendMany(['ann'], 'lobby_messaging_received', chat('bye'));
    registry.send('ann', 'lobby_closed', { lobbyId: 'ABCDE', lobbyName: 'Friday Night' });
    expect(transport.methods()).toEqual([['lobby_messaging_received', 'lobby_closed']]);

    await nextTurn();
    expect(transport.writes).toHaveLength(1);
  });

  it('writes every frame at once to a client attached without its transport', () => {
    const registry = newRegistry();
    const transport = new RecordingTransport();
    registry.attach('ann', openSocket(transport));

    registry.sendMany(['ann'], 'lobby_messaging_received', chat('hi'));
    registry.send('ann', 'ptpMediation_send', { port: 5990 });
    expect(transport.methods()).toEqual([['lobby_messaging_received'], ['ptpMediation_send']]);
  });

  it('sends nothing to a client whose socket is no longer open', async () => {
    const registry = newRegistry();
    const transport = new RecordingTransport();
    const socket = openSocket(transport);
    registry.attach('ann', socket, transport);
    (socket as { readyState: number }).readyState = 3;

    registry.sendMany(['ann'], 'lobby_messaging_received', chat('hi'));
    await nextTurn();
    expect(transport.writes).toEqual([]);
  });

  describe('a client that stops reading', () => {
    /** A socket whose unsent bytes grow with every frame, as when the peer reads nothing. */
    class UnreadSocket {
      readyState = 1;
      bufferedAmount = 0;
      readonly frames: Buffer[] = [];
      readonly closes: [number, string][] = [];
      terminated = 0;
      send(frame: Buffer): void {
        this.frames.push(frame);
        this.bufferedAmount += frame.length;
      }
      close(code: number, reason: string): void {
        this.closes.push([code, reason]);
        this.readyState = 2;
      }
      terminate(): void {
        this.terminated++;
        this.readyState = 3;
      }
    }

    afterEach(() => {
      vi.useRealTimers();
    });

    it('is closed with 1008 once its unsent bytes pass maxBufferedBytes, then cut after a grace', () => {
      vi.useFakeTimers();
      const events = new RecordingEventBus();
      const registry = newRegistry({ maxBufferedBytes: 2_048 }, events);
      const socket = new UnreadSocket();
      registry.attach('ann', socket as unknown as WebSocket);

      const message = chat('x'.repeat(200));
      let sent = 0;
      while (socket.readyState === 1 && sent < 100) {
        registry.send('ann', 'lobby_messaging_received', message);
        sent++;
      }
      expect(socket.bufferedAmount).toBeGreaterThan(2_048);
      expect(socket.bufferedAmount).toBeLessThan(2_048 + 400);
      expect(socket.closes).toEqual([[SLOW_READER_CLOSE_CODE, 'Too many unread messages.']]);
      expect(events.of('ws.closed')).toEqual([{ reason: 'send_buffer_full' }]);
      // Ended by the server: no reconnection grace for it.
      expect(registry.endedByServer(socket as unknown as WebSocket)).toBe(true);

      // Nothing more is queued for it, and it is cut once the grace is over.
      registry.send('ann', 'lobby_messaging_received', message);
      expect(socket.frames).toHaveLength(sent);
      vi.advanceTimersByTime(SLOW_READER_GRACE_MS - 1);
      expect(socket.terminated).toBe(0);
      vi.advanceTimersByTime(1);
      expect(socket.terminated).toBe(1);
    });

    it('does not count chat held back until the end of the turn, which a reader then takes', async () => {
      const registry = newRegistry({ maxBufferedBytes: 2_048 });
      const transport = new RecordingTransport();
      const closes: number[] = [];
      const socket = {
        readyState: 1,
        send: (frame: Buffer) => transport.write(frame),
        // As ws counts it: what the transport still holds, corked or not.
        get bufferedAmount() {
          return transport.writableLength;
        },
        close: (code: number) => closes.push(code),
      };
      registry.attach('ann', socket as unknown as WebSocket, transport);

      for (let i = 0; i < 50; i++) {
        registry.sendMany(['ann'], 'lobby_messaging_received', chat('x'.repeat(200)));
      }
      expect(socket.bufferedAmount).toBeGreaterThan(2_048);
      await nextTurn();
      expect(transport.writes[0]).toHaveLength(50);
      expect(closes).toEqual([]);
    });

    it('leaves a client under the limit alone', () => {
      const registry = newRegistry({ maxBufferedBytes: 1_048_576 });
      const socket = new UnreadSocket();
      registry.attach('ann', socket as unknown as WebSocket);
      for (let i = 0; i < 100; i++) registry.send('ann', 'lobby_messaging_received', chat('hi'));
      expect(socket.closes).toEqual([]);
      expect(socket.frames).toHaveLength(100);
    });

    it('hands every recipient of one message the same buffer, so an unread copy costs no memory of its own', () => {
      const registry = newRegistry();
      const sockets = ['ann', 'bob', 'cid'].map((clientId) => {
        const socket = new UnreadSocket();
        registry.attach(clientId, socket as unknown as WebSocket);
        return socket;
      });
      registry.sendMany(['ann', 'bob', 'cid'], 'lobby_messaging_received', chat('hello'));
      const [first, ...others] = sockets.map((socket) => socket.frames[0]);
      for (const frame of others) expect(frame).toBe(first);
      expect(decodeFrame(first.toString())!.method).toBe('lobby_messaging_received');
    });
  });
  describe('reconnection', () => {
    const texts = (frames: string[]) =>
      frames.map((frame) => {
        const decoded = decodeFrame(frame)!;
        const payload = decoded.payload as { message?: { message: string } };
        return payload.message ? `${decoded.method}:${payload.message.message}` : decoded.method;
      });

    it('records chat for a client held away, nothing else, and nothing for clients of other replicas', () => {
      const { registry, recentChat } = reconnectingRegistry();
      recentChat.markAway('ann');
      for (let i = 1; i <= RECENT_CHAT_LIMIT + 3; i++) {
        registry.sendMany(['ann', 'bob'], 'lobby_messaging_received', chat(`m${i}`));
      }
      registry.send('ann', 'lobby_peerConnect', { lobbyId: 'ABCDE', peerName: 'Cid' });

      expect(recentChat.has('bob')).toBe(false);
      const kept = recentChat.unseen('ann').map((payload) => payload.message.message);
      expect(kept).toHaveLength(RECENT_CHAT_LIMIT);
      expect(kept[0]).toBe('m4');
      expect(kept.at(-1)).toBe(`m${RECENT_CHAT_LIMIT + 3}`);
      // Back: its history goes on, and nothing is unseen any more.
      expect(recentChat.unseen('ann')).toEqual([]);
      recentChat.forget('ann');
      expect(recentChat.size).toBe(0);
    });

    it('records chat for attached clients only with reconnection on, and not again when replayed', () => {
      const off = newRegistry();
      const socket = openSocket(new RecordingTransport());
      off.attach('ann', socket);
      off.send('ann', 'lobby_messaging_received', chat('hi'));

      const { registry, recentChat } = reconnectingRegistry();
      registry.attach('ann', openSocket(new RecordingTransport()));
      registry.send('ann', 'lobby_messaging_received', chat('one'));
      registry.reattach(openSocket(new RecordingTransport()), 'ann');
      registry.releaseResumed('ann', [
        { method: 'lobby_messaging_received', payload: chat('one') },
      ]);
      expect(recentChat.peek('ann').map((payload) => payload.message.message)).toEqual(['one']);
    });

    it('moves a socket to the client it resumed, holding what is sent until the summary has gone out first', () => {
      const registry = newRegistry();
      const transport = new RecordingTransport();
      const socket = openSocket(transport);
      registry.attach('fresh', socket);

      expect(registry.reattach(socket, 'ann')).toBe('fresh');
      expect(registry.clientIdOf(socket)).toBe('ann');
      expect(registry.holds('fresh')).toBe(false);
      registry.send('ann', 'lobby_peerConnect', { lobbyId: 'ABCDE', peerName: 'Cid' });
      expect(transport.writes).toEqual([]);

      registry.releaseResumed('ann', [
        {
          method: 'client_resumed',
          payload: { lobby: null, mediation: null, missedChat: 1 },
        },
        { method: 'lobby_messaging_received', payload: chat('missed') },
      ]);
      registry.send('ann', 'lobby_peerDisconnect', { lobbyId: 'ABCDE', peerName: 'Cid' });
      expect(texts(transport.writes.flat())).toEqual([
        'client_resumed',
        'lobby_messaging_received:missed',
        'lobby_peerConnect',
        'lobby_peerDisconnect',
      ]);
    });

    it('remembers the sockets the server ended itself with closeAll', () => {
      const registry = newRegistry();
      const closing = { readyState: 1, close: () => undefined } as unknown as WebSocket;
      const other = { readyState: 1, close: () => undefined } as unknown as WebSocket;
      registry.attach('ann', closing);
      expect(registry.endedByServer(closing)).toBe(false);
      registry.closeAll(1001, 'Shutting down');
      expect(registry.endedByServer(closing)).toBe(true);
      expect(registry.endedByServer(other)).toBe(false);
      registry.markEndedByServer(other);
      expect(registry.endedByServer(other)).toBe(true);
    });
  });
});
