import type { Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { HolePuncher } from './hole-punch.js';
import { RelayFallback, type RelayMode } from './relay-fallback.js';
import { encodePunchHello } from './punch-frames.js';
import { encodeRelayBind } from './relay-frames.js';
import { portOf, send, sleep, SocketPool } from './testing/udp-sockets.js';

describe('RelayFallback on 127.0.0.1', () => {
  const pool = new SocketPool();
  const stops: (() => void)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) stop();
    await pool.closeAll();
  });

  async function setUp(mode: RelayMode) {
    const socket = await pool.bind();
    const puncher = new HolePuncher({ socket, selfName: 'Ann' });
    const requests: string[][] = [];
    const fallback = new RelayFallback({
      socket,
      puncher,
      mode,
      relayAfterMs: 60,
      requestRelay: (names) => requests.push(names),
      bindDatagram: encodeRelayBind('tok-ann'),
    });
    stops.push(() => fallback.stop(), puncher.stop);
    return { socket, puncher, requests, fallback };
  }

  /** A peer that answers hellos, and one whose port swallows them. */
  async function peers() {
    const [silent, answering] = [await pool.bind(), await pool.bind()];
    stops.push(new HolePuncher({ socket: answering, selfName: 'Cat' }).stop);
    return [
      { name: 'Bob', ip: '127.0.0.1', port: portOf(silent) },
      { name: 'Cat', ip: '127.0.0.1', port: portOf(answering) },
    ];
  }

  /** A relay port that answers every datagram with `ptpMediation_relay_bound`. */
  async function fakeRelayPort(): Promise<Socket> {
    const relay = await pool.bind();
    relay.on('message', (data, from) => {
      if (data.toString().startsWith('ptpMediation_relay_bind:'))
        void send(relay, 'ptpMediation_relay_bound:e30=', from.port);
    });
    return relay;
  }

  it('in fallback mode asks, once, only for the peers still silent after relayAfterMs', async () => {
    const { puncher, requests, fallback } = await setUp('fallback');
    const list = await peers();
    fallback.start(list);
    puncher.punch(list, 1_000).catch(() => undefined);
    await sleep(30);
    expect(requests).toEqual([]);
    await sleep(150);
    expect(requests).toEqual([['Bob']]);
  });

  it('in fallback mode does not ask for a peer the other side already had relayed', async () => {
    const { puncher, requests, fallback } = await setUp('fallback');
    const list = await peers();
    const relay = await fakeRelayPort();
    fallback.start(list);
    puncher.punch(list, 1_000).catch(() => undefined);
    fallback.allocated([{ peerName: 'Bob', ip: '127.0.0.1', port: portOf(relay) }]);
    await sleep(150);
    expect(requests).toEqual([]);
  });

  it('in fallback mode asks nothing when every peer answered in time', async () => {
    const { puncher, requests, fallback } = await setUp('fallback');
    const list = (await peers()).slice(1);
    fallback.start(list);
    await puncher.punch(list, 1_000);
    await sleep(120);
    expect(requests).toEqual([]);
  });

  it('in always mode asks for every peer at once, and in off mode never', async () => {
    const always = await setUp('always');
    const off = await setUp('off');
    const list = await peers();
    always.fallback.start(list);
    off.fallback.start(list);
    off.puncher.punch(list, 1_000).catch(() => undefined);
    expect(always.requests).toEqual([['Bob', 'Cat']]);
    await sleep(150);
    expect(always.requests).toEqual([['Bob', 'Cat']]);
    expect(off.requests).toEqual([]);
  });

  it('relays each allocated pair of ours at once, binds it, then takes hellos only from the relay', async () => {
    const { socket, puncher, fallback } = await setUp('off');
    const list = await peers();
    const relay = await fakeRelayPort();
    let binds = 0;
    relay.on('message', () => binds++);
    fallback.start(list);
    await puncher.punch(list.slice(1), 1_000);
    expect(puncher.hasHeard('Cat')).toBe(true);
    fallback.allocated([
      { peerName: 'Cat', ip: '127.0.0.1', port: portOf(relay) },
      { peerName: 'Zed', ip: '127.0.0.1', port: 9 },
    ]);
    // Relayed from the allocation on, even though Cat was punched directly.
    expect(fallback.relayed).toEqual(['Cat']);
    expect(fallback.endpointOf('Cat')).toEqual({ ip: '127.0.0.1', port: portOf(relay) });
    expect(fallback.endpointOf('Zed')).toBeUndefined();
    expect(puncher.hasHeard('Cat')).toBe(false);
    await sleep(80);
    expect(binds).toBe(1);
    // Cat's direct hello no longer counts; one from the relay port does.
    const cat = list[1];
    const catSocket = await pool.bind();
    await send(catSocket, encodePunchHello({ name: 'Cat', ack: true }), portOf(socket));
    await sleep(30);
    expect(puncher.hasHeard('Cat')).toBe(false);
    await send(relay, encodePunchHello({ name: 'Cat', ack: true }), portOf(socket));
    await sleep(30);
    expect(puncher.endpointOf('Cat')).toEqual({ ip: '127.0.0.1', port: portOf(relay) });
    expect(cat.port).not.toBe(portOf(relay));
  });

  it('in always mode counts no direct answer before the relay is bound', async () => {
    const { socket, puncher, fallback } = await setUp('always');
    const list = await peers();
    fallback.start(list);
    const direct = await pool.bind();
    await send(direct, encodePunchHello({ name: 'Cat', ack: true }), portOf(socket));
    await sleep(40);
    expect(puncher.hasHeard('Cat')).toBe(false);
  });

  it('binds nothing once stopped', async () => {
    const { fallback } = await setUp('off');
    const list = await peers();
    const relay = await fakeRelayPort();
    let binds = 0;
    relay.on('message', () => binds++);
    fallback.start(list);
    fallback.stop();
    fallback.allocated([{ peerName: 'Bob', ip: '127.0.0.1', port: portOf(relay) }]);
    await sleep(80);
    expect(binds).toBe(0);
    expect(fallback.relayed).toEqual([]);
  });
});
