import { afterEach, describe, expect, it } from 'vitest';
import { RelayBinding } from './relay-binding.js';
import { encodeRelayBind, isRelayBound } from './relay-frames.js';
import { portOf, recordDatagrams, send, sleep, SocketPool } from './testing/udp-sockets.js';

const BOUND = 'ptpMediation_relay_bound:e30=';

describe('RelayBinding on 127.0.0.1', () => {
  const pool = new SocketPool();
  const bindings: RelayBinding[] = [];
  afterEach(async () => {
    for (const binding of bindings.splice(0)) binding.stop();
    await pool.closeAll();
  });

  const bindingTo = (client: Awaited<ReturnType<SocketPool['bind']>>, port: number) => {
    let bound = 0;
    const relay = { peerName: 'Bob', ip: '127.0.0.1', port };
    const binding = new RelayBinding(client, relay, encodeRelayBind('tok-a'), () => bound++, 20);
    bindings.push(binding);
    return { binding, bound: () => bound };
  };

  it('repeats the bind until the relay answers, then stops and reports once', async () => {
    const [client, relay] = [await pool.bind(), await pool.bind()];
    const seen = recordDatagrams(relay);
    const { bound } = bindingTo(client, portOf(relay));
    await sleep(90);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(new Set(seen)).toEqual(new Set(['ptpMediation_relay_bind:eyJ0b2tlbiI6InRvay1hIn0=']));
    await send(relay, BOUND, portOf(client));
    await send(relay, BOUND, portOf(client));
    await sleep(60);
    const afterBound = seen.length;
    await sleep(80);
    expect(bound()).toBe(1);
    expect(seen.length).toBe(afterBound);
  });

  it('takes an answer only from the relay endpoint it binds', async () => {
    const [client, relay, stranger] = [await pool.bind(), await pool.bind(), await pool.bind()];
    const { bound } = bindingTo(client, portOf(relay));
    await send(stranger, BOUND, portOf(client));
    await send(relay, 'ptpMediation_relay_boundary:e30=', portOf(client));
    await sleep(50);
    expect(bound()).toBe(0);
    await send(relay, BOUND, portOf(client));
    await sleep(50);
    expect(bound()).toBe(1);
  });

  it('sends nothing more once stopped', async () => {
    const [client, relay] = [await pool.bind(), await pool.bind()];
    const seen = recordDatagrams(relay);
    const { binding } = bindingTo(client, portOf(relay));
    await sleep(30);
    binding.stop();
    await sleep(20);
    const atStop = seen.length;
    await sleep(80);
    expect(seen.length).toBe(atStop);
  });

  it('tells the relay answer from anything else', () => {
    expect(isRelayBound(Buffer.from(BOUND))).toBe(true);
    expect(isRelayBound(Buffer.from('ptpMediation_relay_bound:'))).toBe(false);
    expect(isRelayBound(Buffer.from('game data'))).toBe(false);
  });
});
