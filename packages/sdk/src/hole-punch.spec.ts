import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame } from '@orion/protocol';
import { PunchFailedError } from './errors.js';
import { HolePuncher } from './hole-punch.js';
import { decodePunchHello, encodePunchHello, isPunchDatagram } from './punch-frames.js';
import {
  nextDatagram,
  portOf,
  recordDatagrams,
  send,
  sleep,
  SocketPool,
} from './testing/udp-sockets.js';

describe('HolePuncher between two UDP sockets on 127.0.0.1', () => {
  const pool = new SocketPool();
  const punchers: HolePuncher[] = [];
  const puncher = (...args: ConstructorParameters<typeof HolePuncher>) => {
    const created = new HolePuncher(...args);
    punchers.push(created);
    return created;
  };

  afterEach(async () => {
    for (const created of punchers.splice(0)) created.stop();
    await pool.closeAll();
  });

  it('reaches each other when both punch, and reports the address each answered from', async () => {
    const [a, b] = [await pool.bind(), await pool.bind()];
    const ann = puncher({ socket: a, selfName: 'Ann' });
    const bob = puncher({ socket: b, selfName: 'Bob' });
    const [annReached, bobReached] = await Promise.all([
      ann.punch([{ name: 'Bob', ip: '127.0.0.1', port: portOf(b) }], 2_000),
      bob.punch([{ name: 'Ann', ip: '127.0.0.1', port: portOf(a) }], 2_000),
    ]);
    expect(annReached).toEqual([{ name: 'Bob', ip: '127.0.0.1', port: portOf(b) }]);
    expect(bobReached).toEqual([{ name: 'Ann', ip: '127.0.0.1', port: portOf(a) }]);
  });

  it('reaches a peer that only answers (has not started punching itself)', async () => {
    const [a, b] = [await pool.bind(), await pool.bind()];
    puncher({ socket: b, selfName: 'Bob' });
    const reached = await puncher({ socket: a, selfName: 'Ann' }).punch(
      [{ name: 'Bob', ip: '127.0.0.1', port: portOf(b) }],
      2_000,
    );
    expect(reached).toEqual([{ name: 'Bob', ip: '127.0.0.1', port: portOf(b) }]);
  });

  it('counts a peer whose hello arrived before punch() was called as reached at once', async () => {
    const [a, b] = [await pool.bind(), await pool.bind()];
    const ann = puncher({ socket: a, selfName: 'Ann' });
    const bobPort = portOf(b);
    await send(b, encodePunchHello({ name: 'Bob', ack: false }), portOf(a));
    await sleep(50);
    b.close();
    // Bob's socket is gone (and the port given is wrong), so only the remembered hello
    // can make this succeed; the result names where Bob really was.
    const reached = await ann.punch([{ name: 'Bob', ip: '127.0.0.1', port: 9 }], 300);
    expect(reached).toEqual([{ name: 'Bob', ip: '127.0.0.1', port: bobPort }]);
  });

  it('rejects with PunchFailedError naming a peer that never answers, within the timeout', async () => {
    const [a, silent] = [await pool.bind(), await pool.bind()];
    const heard = recordDatagrams(silent);
    const startedAt = Date.now();
    const failure = await puncher({ socket: a, selfName: 'Ann' })
      .punch([{ name: 'Quiet', ip: '127.0.0.1', port: portOf(silent) }], 400)
      .catch((error: unknown) => error);
    const tookMs = Date.now() - startedAt;
    expect(failure).toBeInstanceOf(PunchFailedError);
    const error = failure as PunchFailedError;
    expect(error.unreachable).toEqual([{ name: 'Quiet', ip: '127.0.0.1', port: portOf(silent) }]);
    expect(error.message).toContain(`Quiet (127.0.0.1:${portOf(silent)})`);
    expect(error.message).toContain('400 ms');
    // It did try: hellos went out on the schedule (0, 50, 150, 350 ms) before giving up.
    // At most 4 fit before 400 ms; a loaded machine may fire the last one too late.
    expect(heard.length).toBeGreaterThanOrEqual(2);
    expect(heard.length).toBeLessThanOrEqual(4);
    expect(heard.every((text) => decodePunchHello(Buffer.from(text))?.name === 'Ann')).toBe(true);
    expect(tookMs).toBeGreaterThanOrEqual(390);
  });

  it('names only the silent peers when some answered', async () => {
    const [a, b, silent] = [await pool.bind(), await pool.bind(), await pool.bind()];
    puncher({ socket: b, selfName: 'Bob' });
    const error = (await puncher({ socket: a, selfName: 'Ann' })
      .punch(
        [
          { name: 'Bob', ip: '127.0.0.1', port: portOf(b) },
          { name: 'Quiet', ip: '127.0.0.1', port: portOf(silent) },
        ],
        300,
      )
      .catch((e: unknown) => e)) as PunchFailedError;
    expect(error).toBeInstanceOf(PunchFailedError);
    expect(error.unreachable.map((peer) => peer.name)).toEqual(['Quiet']);
    expect(error.message).not.toContain('Bob');
  });

  it('answers a hello with an ack to the address the hello came from', async () => {
    const [a, stranger] = [await pool.bind(), await pool.bind()];
    puncher({ socket: a, selfName: 'Ann' });
    const answer = nextDatagram(stranger);
    await send(stranger, encodePunchHello({ name: 'Zed', ack: false }), portOf(a));
    const { data, from } = await answer;
    expect(decodePunchHello(data)).toEqual({ name: 'Ann', ack: true });
    expect(from.port).toBe(portOf(a));
  });

  it('does not answer an ack (no ping-pong)', async () => {
    const [a, stranger] = [await pool.bind(), await pool.bind()];
    puncher({ socket: a, selfName: 'Ann' });
    const heard = recordDatagrams(stranger);
    await send(stranger, encodePunchHello({ name: 'Zed', ack: true }), portOf(a));
    await sleep(100);
    expect(heard).toEqual([]);
  });

  it('leaves datagrams that are not punch frames to the game', async () => {
    const [a, other] = [await pool.bind(), await pool.bind()];
    const ann = puncher({ socket: a, selfName: 'Ann' });
    const gameSaw = recordDatagrams(a);
    const otherHeard = recordDatagrams(other);
    const notPunch = [
      'position 10 20',
      encodeFrame('ptpMediation_connect', { token: 'x' }),
      encodeFrame('orionPunch_hello', { name: 42, ack: false }),
      'orionPunch_hello:not base64!',
    ];
    for (const datagram of notPunch) await send(other, datagram, portOf(a));
    await sleep(100);
    expect(gameSaw).toEqual(notPunch);
    expect(otherHeard).toEqual([]);
    // None of them counted as a peer answering.
    await expect(
      ann.punch([{ name: 'Zed', ip: '127.0.0.1', port: portOf(other) }], 200),
    ).rejects.toThrow(PunchFailedError);
  });

  it('stops answering once stopped', async () => {
    const [a, stranger] = [await pool.bind(), await pool.bind()];
    puncher({ socket: a, selfName: 'Ann' }).stop();
    const heard = recordDatagrams(stranger);
    await send(stranger, encodePunchHello({ name: 'Zed', ack: false }), portOf(a));
    await sleep(100);
    expect(heard).toEqual([]);
    expect(a.listenerCount('message')).toBe(0);
  });

  it('ends a running punch with an error when the socket closes', async () => {
    const [a] = [await pool.bind()];
    const punching = puncher({ socket: a, selfName: 'Ann' }).punch(
      [{ name: 'Bob', ip: '127.0.0.1', port: 9 }],
      5_000,
    );
    a.close();
    await expect(punching).rejects.toThrow(/UDP socket closed/);
  });
  it('once a peer is relayed, hellos go to the relay and only answers from it count', async () => {
    const [a, b, relay] = [await pool.bind(), await pool.bind(), await pool.bind()];
    const ann = puncher({ socket: a, selfName: 'Ann' });
    const atRelay = recordDatagrams(relay);
    ann.relay('Bob', { ip: '127.0.0.1', port: portOf(relay) });
    const punching = ann.punch([{ name: 'Bob', ip: '127.0.0.1', port: portOf(b) }], 2_000);
    // Bob's direct hello no longer counts: the pair uses the relay now.
    await send(b, encodePunchHello({ name: 'Bob', ack: true }), portOf(a));
    await sleep(60);
    expect(ann.hasHeard('Bob')).toBe(false);
    expect(atRelay.map((text) => decodePunchHello(Buffer.from(text)))).toContainEqual({
      name: 'Ann',
      ack: false,
    });
    await send(relay, encodePunchHello({ name: 'Bob', ack: true }), portOf(a));
    expect(await punching).toEqual([{ name: 'Bob', ip: '127.0.0.1', port: portOf(relay) }]);
    expect(ann.endpointOf('Bob')).toEqual({ ip: '127.0.0.1', port: portOf(relay) });
  });
});

describe('punch frames', () => {
  it('round-trips a hello and tells punch datagrams from game datagrams', () => {
    const hello = encodePunchHello({ name: 'Ann', ack: false });
    expect(hello.toString()).toMatch(/^orionPunch_hello:[A-Za-z0-9+/]+=*$/);
    expect(decodePunchHello(hello)).toEqual({ name: 'Ann', ack: false });
    expect(isPunchDatagram(hello)).toBe(true);
    expect(isPunchDatagram(Buffer.from('orionPunch_'))).toBe(false);
    expect(isPunchDatagram(Buffer.from([0xff, 0x00, 0x12]))).toBe(false);
    expect(isPunchDatagram(Buffer.from('ptpMediation_relay_bound:e30='))).toBe(true);
  });
});
