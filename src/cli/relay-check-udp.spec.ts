import type { Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame, RELAY_BOUND_METHOD } from '@orion/protocol';
import { encodePunchHello } from '@orion/sdk';
import { portOf, SocketPool } from '../../packages/sdk/src/testing/udp-sockets.js';
import { cameFrom, passDatagram, sameEndpoint } from './relay-check-udp.js';

const loopback = (socket: Socket) => ({ ip: '127.0.0.1', port: portOf(socket) });

describe('passDatagram: one datagram through a relay, repeated until it arrives', () => {
  const pool = new SocketPool();

  afterEach(() => pool.closeAll());

  it('resends until the datagram comes through, skipping the late hellos and bind answers before it', async () => {
    const [from, relay, receiver] = [await pool.bind(), await pool.bind(), await pool.bind()];
    let received = 0;
    // A lossy relay: drops the first two, and lets the SDK's own traffic through first.
    relay.on('message', (data) => {
      if (++received < 3) return;
      relay.send(encodePunchHello({ name: 'probe guest', ack: true }), portOf(receiver));
      relay.send(encodeFrame(RELAY_BOUND_METHOD, {}), portOf(receiver));
      relay.send(data, portOf(receiver));
    });
    const data = Buffer.from('orion probe 0123');
    const arrived = await passDatagram({
      from,
      to: loopback(relay),
      receiver,
      data,
      waitMs: 2_000,
      everyMs: 20,
    });
    expect(arrived?.data).toEqual(data);
    expect(cameFrom(arrived!, loopback(relay))).toBe(true);
    expect(received).toBeGreaterThanOrEqual(3);
  });

  it('gives up empty-handed when nothing comes through, and stops resending', async () => {
    const [from, silent, receiver] = [await pool.bind(), await pool.bind(), await pool.bind()];
    let received = 0;
    silent.on('message', () => received++);
    const arrived = await passDatagram({
      from,
      to: loopback(silent),
      receiver,
      data: Buffer.from('anyone?'),
      waitMs: 120,
      everyMs: 30,
    });
    expect(arrived).toBeUndefined();
    expect(received).toBeGreaterThanOrEqual(2);
    const atEnd = received;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toBe(atEnd);
  });
});

describe('cameFrom and sameEndpoint', () => {
  const datagram = { data: Buffer.alloc(0), address: '127.0.0.1', port: 4000 };

  it('need the same address and port', () => {
    expect(cameFrom(datagram, { ip: '127.0.0.1', port: 4000 })).toBe(true);
    expect(cameFrom(datagram, { ip: '127.0.0.2', port: 4000 })).toBe(false);
    expect(cameFrom(datagram, { ip: '127.0.0.1', port: 4001 })).toBe(false);
  });

  it('compare IPv6 addresses by value', () => {
    const v6 = { ...datagram, address: 'fe80::1' };
    expect(cameFrom(v6, { ip: 'FE80:0:0:0:0:0:0:1', port: 4000 })).toBe(true);
    expect(cameFrom(v6, { ip: 'fe80::2', port: 4000 })).toBe(false);
  });

  it('take an IPv4-mapped source, as a dual-stack socket sees it, for the plain address', () => {
    const mapped = { ip: '::ffff:198.51.100.20', port: 40000 };
    expect(sameEndpoint(mapped, { ip: '198.51.100.20', port: 40000 })).toBe(true);
    expect(sameEndpoint(mapped, { ip: '198.51.100.21', port: 40000 })).toBe(false);
  });
});
