import { Duplex } from 'node:stream';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { refuseUpgrade } from './upgrade-refusal.js';

/** A socket stand-in that records what is written to it. */
class RecordingSocket extends Duplex {
  written = '';

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.written += chunk.toString('utf8');
    done();
  }
}

describe('refuseUpgrade', () => {
  it('writes a complete HTTP error in the { errors } shape, then destroys the socket', async () => {
    const socket = new RecordingSocket();
    refuseUpgrade(socket, { status: 429, reason: 'Too many connections, “slow down”.' });
    await once(socket, 'close');
    const body = JSON.stringify({ errors: ['Too many connections, “slow down”.'] });
    expect(socket.written).toBe(
      'HTTP/1.1 429 Too Many Requests\r\n' +
        'Content-Type: application/json\r\n' +
        'X-Content-Type-Options: nosniff\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n' +
        '\r\n' +
        body,
    );
    expect(socket.destroyed).toBe(true);
  });

  it('destroys, without writing, a socket that can no longer be written to', () => {
    const socket = new RecordingSocket();
    socket.end();
    expect(() => refuseUpgrade(socket, { status: 503, reason: 'Full.' })).not.toThrow();
    expect(socket.destroyed).toBe(true);
    expect(socket.written).toBe('');
  });

  it('survives a socket error while answering', async () => {
    const socket = new RecordingSocket();
    refuseUpgrade(socket, { status: 503, reason: 'Full.' });
    socket.emit('error', new Error('ECONNRESET'));
    await once(socket, 'close');
    expect(socket.destroyed).toBe(true);
  });
});
