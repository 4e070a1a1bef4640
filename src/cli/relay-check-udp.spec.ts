import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { cameFrom, UdpInbox } from './relay-check-udp.js';

/** A loopback socket that answers `reply` to the `answerAt`-th datagram it receives. */
async function answeringPeer(answerAt: number, reply: string) {
  const socket = createSocket('udp4');
  let received = 0;
  socket.on('message', (_data, remote) => {
    received++;
    if (received === answerAt) socket.send(Buffer.from(reply), remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return {
    socket,
    endpoint: { ip: '127.0.0.1', port: socket.address().port },
    received: () => received,
  };
}

describe('UdpInbox', () => {
  const inboxes: UdpInbox[] = [];
  const sockets: Socket[] = [];

  afterEach(async () => {
    await Promise.all(inboxes.splice(0).map((inbox) => inbox.close()));
    for (const socket of sockets.splice(0)) socket.close();
  });

  async function open(): Promise<UdpInbox> {
    const inbox = await UdpInbox.open('127.0.0.1');
    inboxes.push(inbox);
    return inbox;
  }

  it('resends every few ms until the answer comes, and returns it with its source', async () => {
    const inbox = await open();
    const peer = await answeringPeer(3, 'answer');
    sockets.push(peer.socket);
    const answer = await inbox.waitFor((d) => d.data.toString() === 'answer', 2_000, {
      everyMs: 20,
      send: () => inbox.send(Buffer.from('ask'), peer.endpoint),
    });
    expect(answer?.data.toString()).toBe('answer');
    expect(cameFrom(answer!, peer.endpoint)).toBe(true);
    expect(peer.received()).toBeGreaterThanOrEqual(3);
  });

  it('keeps a datagram that came before the wait, and skips those it does not accept', async () => {
    const inbox = await open();
    const peer = await answeringPeer(1, 'early');
    sockets.push(peer.socket);
    const other = await answeringPeer(1, 'ignored');
    sockets.push(other.socket);
    inbox.send(Buffer.from('ask'), other.endpoint);
    inbox.send(Buffer.from('ask'), peer.endpoint);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const early = await inbox.waitFor((d) => d.data.toString() === 'early', 1);
    expect(early?.port).toBe(peer.endpoint.port);
    // Taken once: a second wait for the same datagram finds nothing.
    expect(await inbox.waitFor((d) => d.data.toString() === 'early', 50)).toBeUndefined();
    expect((await inbox.waitFor(() => true, 1))?.data.toString()).toBe('ignored');
  });

  it('gives up empty-handed when nothing acceptable arrives in time', async () => {
    const inbox = await open();
    const silent = await answeringPeer(Number.POSITIVE_INFINITY, '');
    sockets.push(silent.socket);
    let sends = 0;
    const answer = await inbox.waitFor(() => true, 120, {
      everyMs: 30,
      send: () => {
        sends++;
        inbox.send(Buffer.from('anyone?'), silent.endpoint);
      },
    });
    expect(answer).toBeUndefined();
    expect(sends).toBeGreaterThanOrEqual(2);
    const sendsAtEnd = sends;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sends).toBe(sendsAtEnd);
  });
});

describe('cameFrom', () => {
  const datagram = { data: Buffer.alloc(0), address: '127.0.0.1', port: 4000 };

  it('needs the same address and port', () => {
    expect(cameFrom(datagram, { ip: '127.0.0.1', port: 4000 })).toBe(true);
    expect(cameFrom(datagram, { ip: '127.0.0.2', port: 4000 })).toBe(false);
    expect(cameFrom(datagram, { ip: '127.0.0.1', port: 4001 })).toBe(false);
  });

  it('compares IPv6 addresses by value', () => {
    const v6 = { ...datagram, address: 'fe80::1' };
    expect(cameFrom(v6, { ip: 'FE80:0:0:0:0:0:0:1', port: 4000 })).toBe(true);
    expect(cameFrom(v6, { ip: 'fe80::2', port: 4000 })).toBe(false);
  });
});
