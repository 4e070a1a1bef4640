import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { decodeFrame } from '../common/frame-codec.js';
import { ClientRegistry } from './client-registry.js';

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
  return { readyState: 1, send: (frame: string) => transport.write(frame) } as unknown as WebSocket;
}

const chat = (message: string) => ({
  lobbyId: 'ABCDE',
  message: { timestamp: 1, senderName: 'Ann', message },
});

describe('ClientRegistry', () => {
  it('writes the chat messages a client gets in one turn as one write, in order, at the end of the turn', async () => {
    const registry = new ClientRegistry();
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
    const registry = new ClientRegistry();
    const transport = new RecordingTransport();
    registry.attach('ann', openSocket(transport), transport);

    registry.sendMany(['ann'], 'lobby_messaging_received', chat('bye'));
    registry.send('ann', 'lobby_closed', { lobbyId: 'ABCDE', lobbyName: 'Friday Night' });
    expect(transport.methods()).toEqual([['lobby_messaging_received', 'lobby_closed']]);

    await nextTurn();
    expect(transport.writes).toHaveLength(1);
  });

  it('writes every frame at once to a client attached without its transport', () => {
    const registry = new ClientRegistry();
    const transport = new RecordingTransport();
    registry.attach('ann', openSocket(transport));

    registry.sendMany(['ann'], 'lobby_messaging_received', chat('hi'));
    registry.send('ann', 'ptpMediation_send', { port: 5990 });
    expect(transport.methods()).toEqual([['lobby_messaging_received'], ['ptpMediation_send']]);
  });

  it('sends nothing to a client whose socket is no longer open', async () => {
    const registry = new ClientRegistry();
    const transport = new RecordingTransport();
    const socket = openSocket(transport);
    registry.attach('ann', socket, transport);
    (socket as { readyState: number }).readyState = 3;

    registry.sendMany(['ann'], 'lobby_messaging_received', chat('hi'));
    await nextTurn();
    expect(transport.writes).toEqual([]);
  });
});
