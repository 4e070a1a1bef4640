import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeFrame } from '@orion/protocol';
import {
  ClientPool,
  createLobby,
  expectNothingReceived,
  lobbyWithMembers,
  mark,
  startMediation,
} from './support/flows/http-flows.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import { TestClient } from './support/clients/test-client.js';
import { receivedSince } from './support/clients/received.js';

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('WebSocket protocol', () => {
  let orion: OrionTestApp;
  let pool: ClientPool;

  beforeEach(async () => {
    orion = await startOrion();
    pool = new ClientPool(() => orion.wsUrl);
  });

  afterEach(async () => {
    await pool.closeAll();
    await orion.close();
  });

  describe('client_registered', () => {
    it('is the first message on a new connection and carries a token of at least 22 characters', async () => {
      const client = await pool.connect();
      expect(client.methods[0]).toBe('client_registered');
      expect(client.all('client_registered')).toHaveLength(1);
      expect(typeof client.token).toBe('string');
      expect(client.token.length).toBeGreaterThanOrEqual(22);
    });

    it('gives every client a distinct token', async () => {
      const clients = await pool.connectMany(20);
      const tokens = clients.map((client) => client.token);
      expect(new Set(tokens).size).toBe(20);
    });

    it('is sent only to the newly connected client', async () => {
      const first = await pool.connect();
      const before = mark([first]);
      await pool.connect();
      await expectNothingReceived([first], before);
    });

    it.each(['/', '/ws', '/a/b?x=1'])('accepts the upgrade on the path %s', async (path) => {
      const client = await pool.connect(path);
      expect(client.isOpen).toBe(true);
      expect(client.token.length).toBeGreaterThanOrEqual(22);
    });

    it('the token it carries works on HTTP', async () => {
      const client = await pool.connect('/ws');
      const { lobbyId } = await createLobby(orion.httpUrl, client);
      expect(lobbyId).toMatch(/^[A-Z0-9]{5}$/);
    });
  });

  describe('lobby_messaging_send', () => {
    it('delivers lobby_messaging_received {lobbyId, message:{timestamp, senderName, message}} to every member, sender included', async () => {
      const { lobbyId, host, members } = await lobbyWithMembers(orion.httpUrl, pool, [
        'Ann',
        'Ben',
      ]);
      const [ann] = members;
      const before = Date.now();
      ann.send('lobby_messaging_send', { token: ann.token, lobbyId, message: 'gg, ready?' });

      for (const client of [host, ...members]) {
        const received = await client.next('lobby_messaging_received');
        expect(received).toEqual({
          lobbyId,
          message: { timestamp: expect.any(Number), senderName: 'Ann', message: 'gg, ready?' },
        });
        expect(received.message.timestamp).toBeGreaterThanOrEqual(before - 1_000);
        expect(received.message.timestamp).toBeLessThanOrEqual(Date.now() + 1_000);
      }
    });

    it('the host can chat too, and messages arrive in the order they were sent', async () => {
      const { lobbyId, host, members } = await lobbyWithMembers(orion.httpUrl, pool, ['Ann']);
      for (const text of ['one', 'two', 'three']) {
        host.send('lobby_messaging_send', { token: host.token, lobbyId, message: text });
      }
      for (const client of [host, ...members]) {
        const texts = [];
        for (let i = 0; i < 3; i++) {
          const received = await client.next('lobby_messaging_received');
          expect(received.message.senderName).toBe('Host');
          texts.push(received.message.message);
        }
        expect(texts).toEqual(['one', 'two', 'three']);
      }
    });

    it('does not reach members of other lobbies', async () => {
      const first = await lobbyWithMembers(orion.httpUrl, pool, ['Ann']);
      const second = await lobbyWithMembers(orion.httpUrl, pool, ['Bea']);
      const outsiders = [second.host, ...second.members];
      const marks = mark(outsiders);
      first.host.send('lobby_messaging_send', {
        token: first.host.token,
        lobbyId: first.lobbyId,
        message: 'only for lobby one',
      });
      await first.members[0].next('lobby_messaging_received');
      await expectNothingReceived(outsiders, marks);
    });

    it('accepts a message of exactly 250 characters', async () => {
      const { lobbyId, host, members } = await lobbyWithMembers(orion.httpUrl, pool, ['Ann']);
      const text = 'x'.repeat(249) + '!';
      host.send('lobby_messaging_send', { token: host.token, lobbyId, message: text });
      expect((await members[0].next('lobby_messaging_received')).message.message).toBe(text);
    });

    it('works while the lobby is locked for mediation', async () => {
      const { lobbyId, host, members } = await lobbyWithMembers(orion.httpUrl, pool, ['Ann']);
      await startMediation(orion.httpUrl, host, lobbyId);
      const [ann] = members;
      ann.send('lobby_messaging_send', { token: ann.token, lobbyId, message: 'waiting...' });
      expect((await host.next('lobby_messaging_received')).message).toMatchObject({
        senderName: 'Ann',
        message: 'waiting...',
      });
    });

    describe('is ignored, and nobody receives anything, when', () => {
      it('the sender is not a member of the lobby', async () => {
        const { lobbyId, host, members } = await lobbyWithMembers(orion.httpUrl, pool, ['Ann']);
        const stranger = await pool.connect();
        const everyone = [host, ...members, stranger];
        const marks = mark(everyone);
        stranger.send('lobby_messaging_send', { token: stranger.token, lobbyId, message: 'hi' });
        await expectNothingReceived(everyone, marks);
      });

      it('the sender names a lobby it is not in', async () => {
        const first = await lobbyWithMembers(orion.httpUrl, pool, ['Ann']);
        const second = await lobbyWithMembers(orion.httpUrl, pool, ['Bea']);
        const everyone = [first.host, ...first.members, second.host, ...second.members];
        const marks = mark(everyone);
        const [ann] = first.members;
        ann.send('lobby_messaging_send', {
          token: ann.token,
          lobbyId: second.lobbyId,
          message: 'wrong room',
        });
        await expectNothingReceived(everyone, marks);
      });

      it('the lobby does not exist', async () => {
        const { lobbyId, host, members } = await lobbyWithMembers(orion.httpUrl, pool, ['Ann']);
        const everyone = [host, ...members];
        const marks = mark(everyone);
        const otherId = lobbyId === 'ZZZZZ' ? 'YYYYY' : 'ZZZZZ';
        host.send('lobby_messaging_send', { token: host.token, lobbyId: otherId, message: 'hi' });
        await expectNothingReceived(everyone, marks);
      });

      it('the message is empty', async () => {
        const { lobbyId, host, members } = await lobbyWithMembers(orion.httpUrl, pool, ['Ann']);
        const everyone = [host, ...members];
        const marks = mark(everyone);
        host.send('lobby_messaging_send', { token: host.token, lobbyId, message: '' });
        await expectNothingReceived(everyone, marks);
      });

      it('the message is 251 characters', async () => {
        const { lobbyId, host, members } = await lobbyWithMembers(orion.httpUrl, pool, ['Ann']);
        const everyone = [host, ...members];
        const marks = mark(everyone);
        host.send('lobby_messaging_send', { token: host.token, lobbyId, message: 'y'.repeat(251) });
        await expectNothingReceived(everyone, marks);
      });

      it('the message is not a string', async () => {
        const { lobbyId, host, members } = await lobbyWithMembers(orion.httpUrl, pool, ['Ann']);
        const everyone = [host, ...members];
        const marks = mark(everyone);
        host.send('lobby_messaging_send', { token: host.token, lobbyId, message: 12345 });
        host.send('lobby_messaging_send', { token: host.token, lobbyId, message: ['hi'] });
        await expectNothingReceived(everyone, marks);
      });

      it('the token belongs to another client (a member’s token sent over an outsider’s socket)', async () => {
        const { lobbyId, host, members } = await lobbyWithMembers(orion.httpUrl, pool, ['Ann']);
        const spoofer = await pool.connect();
        const everyone = [host, ...members, spoofer];
        const marks = mark(everyone);
        spoofer.send('lobby_messaging_send', {
          token: members[0].token,
          lobbyId,
          message: 'I am Ann, honest',
        });
        await expectNothingReceived(everyone, marks);
      });

      it('the token belongs to another member of the same lobby', async () => {
        const { lobbyId, host, members } = await lobbyWithMembers(orion.httpUrl, pool, [
          'Ann',
          'Ben',
        ]);
        const [ann, ben] = members;
        const everyone = [host, ann, ben];
        const marks = mark(everyone);
        ben.send('lobby_messaging_send', { token: host.token, lobbyId, message: 'says the host' });
        ben.send('lobby_messaging_send', { token: ann.token, lobbyId, message: 'says Ann' });
        await expectNothingReceived(everyone, marks);
      });

      it('the token is missing or unknown', async () => {
        const { lobbyId, host, members } = await lobbyWithMembers(orion.httpUrl, pool, ['Ann']);
        const everyone = [host, ...members];
        const marks = mark(everyone);
        host.send('lobby_messaging_send', { lobbyId, message: 'no token' });
        host.send('lobby_messaging_send', { token: 'x'.repeat(43), lobbyId, message: 'bad' });
        await expectNothingReceived(everyone, marks);
      });
    });
  });

  describe('malformed frames are dropped silently and the socket keeps working', () => {
    const chatPayload = (client: TestClient, lobbyId: string) => ({
      token: client.token,
      lobbyId,
      message: 'should never arrive',
    });

    const malformed: [string, (client: TestClient, lobbyId: string) => string | Buffer][] = [
      [
        'a binary frame (even one holding a valid chat frame)',
        (client, lobbyId) =>
          Buffer.from(encodeFrame('lobby_messaging_send', chatPayload(client, lobbyId))),
      ],
      ['a text frame without a colon', () => 'lobby_messaging_send'],
      ['a payload that is not base64', () => 'lobby_messaging_send:!!!notbase64'],
      ['base64 of something that is not JSON', () => `lobby_messaging_send:${base64('{nope')}`],
      [
        'base64 of a JSON array',
        (client, lobbyId) =>
          `lobby_messaging_send:${base64(JSON.stringify([chatPayload(client, lobbyId)]))}`,
      ],
      ['base64 of a JSON string', () => `lobby_messaging_send:${base64('"hello"')}`],
      ['base64 of a JSON number', () => `lobby_messaging_send:${base64('42')}`],
      ['base64 of JSON null', () => `lobby_messaging_send:${base64('null')}`],
      ['an empty payload after the colon', () => 'lobby_messaging_send:'],
      ['a frame that is only a colon', () => ':'],
      [
        'an unknown method',
        (client, lobbyId) => encodeFrame('lobby_destroy', chatPayload(client, lobbyId)),
      ],
      [
        'a method in the wrong case',
        (client, lobbyId) => encodeFrame('LOBBY_MESSAGING_SEND', chatPayload(client, lobbyId)),
      ],
      [
        'a chat payload with fields missing',
        (client, lobbyId) => encodeFrame('lobby_messaging_send', { token: client.token, lobbyId }),
      ],
      ['an empty string', () => ''],
      [
        'nearly 16 KiB of garbage',
        () => Array.from({ length: 15_000 }, (_, i) => String.fromCharCode(33 + (i % 90))).join(''),
      ],
      [
        'nearly 16 KiB of garbage after a real method name',
        () => 'lobby_messaging_send:' + 'A'.repeat(15_000) + '!',
      ],
      [
        'a server-only method sent by a client',
        (client, lobbyId) =>
          encodeFrame('lobby_messaging_received', {
            lobbyId,
            message: { timestamp: 1, senderName: 'Host', message: 'fake' },
          }),
      ],
    ];

    it.each(malformed)('%s', async (_case, frame) => {
      const { lobbyId, host, members } = await lobbyWithMembers(orion.httpUrl, pool, ['Ann']);
      const [ann] = members;
      const everyone = [host, ann];
      const marks = mark(everyone);

      ann.sendRaw(frame(ann, lobbyId));
      await expectNothingReceived(everyone, marks);
      expect(ann.isOpen).toBe(true);

      ann.send('lobby_messaging_send', { token: ann.token, lobbyId, message: 'still here' });
      for (const [index, client] of everyone.entries()) {
        const received = await client.next('lobby_messaging_received');
        expect(received.message).toMatchObject({ senderName: 'Ann', message: 'still here' });
        // Only the valid chat arrived: nothing at all for the malformed frame.
        expect(receivedSince(client, marks[index]).map((m) => m.method)).toEqual([
          'lobby_messaging_received',
        ]);
      }
      expect(ann.isOpen).toBe(true);
    });

    it('a burst of every malformed frame leaves the socket open and working', async () => {
      const { lobbyId, host, members } = await lobbyWithMembers(orion.httpUrl, pool, ['Ann']);
      const [ann] = members;
      const everyone = [host, ann];
      const marks = mark(everyone);
      for (const [, frame] of malformed) ann.sendRaw(frame(ann, lobbyId));
      ann.send('lobby_messaging_send', { token: ann.token, lobbyId, message: 'after the storm' });
      for (const [index, client] of everyone.entries()) {
        const received = await client.next('lobby_messaging_received');
        expect(received.message.message).toBe('after the storm');
        await expectNothingReceived([client], [marks[index] + 1]);
      }
      expect(ann.isOpen).toBe(true);
    });
  });
});
