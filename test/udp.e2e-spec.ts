import { createSocket } from 'node:dgram';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeFrame } from '@orion/protocol';
import {
  activeTimers,
  ClientPool,
  connectFrame,
  createLobby,
  endpointOf,
  expectPeers,
  joinLobby,
  mediateToSuccess,
  openParty,
  postStart,
  sendFromNewSocket,
  sendSuccess,
  trackServerTimers,
  type Party,
  type Peer,
} from './support/flows/mediation-flows.js';
import { FAST_TIMERS, startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import { countSince, markOf, methodsSince, nextSince } from './support/clients/received.js';
import { SeededRandom } from './support/seeded-random.js';
import { sleep, waitUntil } from './support/timing.js';

const INTERVAL_MS = FAST_TIMERS.ptpmConnectRequestIntervalMs;
const MAX_DATAGRAM_BYTES = 1024;
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** "Random" bytes that are the same every run. */
const seededBytes = (seed: number, length: number): Buffer => new SeededRandom(seed).bytes(length);

/** A well-formed `ptpMediation_connect` frame padded (via an extra property) to `bytes` long. */
function paddedConnectFrame(token: string, bytes: number): string {
  for (let pad = 0; pad < 2 * bytes; pad++) {
    const frame = encodeFrame('ptpMediation_connect', { token, pad: 'x'.repeat(pad) });
    if (frame.length === bytes) return frame;
    if (frame.length > bytes) break;
  }
  throw new Error(`No padded frame is exactly ${bytes} bytes long`);
}

/** Datagrams that must all be ignored, built for the member that is being mediated. */
const MALFORMED_BATCHES: { name: string; build: (token: string) => (string | Buffer)[] }[] = [
  {
    name: 'random bytes',
    build: () => [
      seededBytes(1, 1),
      seededBytes(2, 17),
      seededBytes(3, 256),
      seededBytes(4, MAX_DATAGRAM_BYTES),
      seededBytes(5, 4_000),
      Buffer.from([0xff, 0xfe, 0xfd, 0x3a, 0x00]),
      Buffer.concat([Buffer.from('ptpMediation_connect:'), seededBytes(6, 64)]),
    ],
  },
  { name: 'an empty datagram', build: () => [Buffer.alloc(0), ''] },
  {
    name: 'datagrams without a colon',
    build: (token) => [
      'ptpMediation_connect',
      base64(JSON.stringify({ token })),
      `ptpMediation_connect${base64(JSON.stringify({ token }))}`,
    ],
  },
  {
    name: 'a bad base64 payload',
    build: (token) => [
      'ptpMediation_connect:!!!not-base64***',
      `ptpMediation_connect:${base64(JSON.stringify({ token }))}%%`,
      `ptpMediation_connect:${base64(JSON.stringify({ token })).replace(/=+$/, '')}====`,
      `:${base64(JSON.stringify({ token }))}`,
    ],
  },
  {
    name: 'base64 of something other than a JSON object',
    build: (token) => [
      `ptpMediation_connect:${base64('not json at all {')}`,
      `ptpMediation_connect:${base64(JSON.stringify([token]))}`,
      `ptpMediation_connect:${base64(JSON.stringify([{ token }]))}`,
      `ptpMediation_connect:${base64('null')}`,
      `ptpMediation_connect:${base64(JSON.stringify(token))}`,
      `ptpMediation_connect:${base64('42')}`,
      `ptpMediation_connect:${base64('true')}`,
      'ptpMediation_connect:',
    ],
  },
  {
    name: 'a wrong method name',
    build: (token) => [
      encodeFrame('ptpMediation_connected', { token }),
      encodeFrame('PTPMEDIATION_CONNECT', { token }),
      encodeFrame('ptpMediation_send', { token }),
      encodeFrame('ptpMediation_peersConnection_success', { token }),
      encodeFrame('lobby_messaging_send', { token, lobbyId: 'ABCDE', message: 'hi' }),
      ` ${encodeFrame('ptpMediation_connect', { token })}`,
    ],
  },
  {
    name: 'ptpMediation_connect with a missing, non-string or unknown token',
    build: (token) => [
      encodeFrame('ptpMediation_connect', {}),
      encodeFrame('ptpMediation_connect', { Token: token }),
      encodeFrame('ptpMediation_connect', { token: 12345 }),
      encodeFrame('ptpMediation_connect', { token: null }),
      encodeFrame('ptpMediation_connect', { token: true }),
      encodeFrame('ptpMediation_connect', { token: [token] }),
      encodeFrame('ptpMediation_connect', { token: { token } }),
      encodeFrame('ptpMediation_connect', { token: '' }),
      encodeFrame('ptpMediation_connect', { token: `${token}x` }),
      encodeFrame('ptpMediation_connect', { token: token.slice(1) }),
      encodeFrame('ptpMediation_connect', { token: 'A'.repeat(43) }),
      encodeFrame('ptpMediation_connect', { token: 'A'.repeat(500) }),
    ],
  },
  {
    name: `a datagram over ${MAX_DATAGRAM_BYTES} bytes carrying a valid frame`,
    build: (token) => {
      const frame = paddedConnectFrame(token, MAX_DATAGRAM_BYTES + 1);
      const huge = encodeFrame('ptpMediation_connect', { token, pad: 'x'.repeat(5_000) });
      return [frame, huge];
    },
  },
];

describe('UDP datagrams', () => {
  let orion: OrionTestApp;
  let timers: ReturnType<typeof trackServerTimers>;
  const pool = new ClientPool();

  beforeAll(async () => {
    orion = await startOrion();
  });
  beforeEach(() => {
    timers = trackServerTimers();
  });
  afterEach(async () => {
    try {
      await pool.closeAll();
      await waitUntil(() => activeTimers(orion) === 0, 'no mediation timer survives its clients');
      expect(timers.alive()).toEqual([]);
    } finally {
      timers.stop();
    }
  });
  afterAll(async () => {
    await orion?.close();
  });

  /** Host and Alice in a lobby, mediation started, the host's packet already in. */
  async function mediationWaitingForAlice(): Promise<{ party: Party; alice: Peer }> {
    const party = await openParty(orion, pool, ['Host', 'Alice']);
    const marks = party.everyone.map((peer) => markOf(peer.client));
    expect((await postStart(orion, party.host.client, party.lobbyId)).status).toBe(200);
    for (const [i, peer] of party.everyone.entries()) {
      await nextSince(peer.client, 'ptpMediation_send', marks[i]);
    }
    await party.host.client.sendUdp(orion.udpPort);
    return { party, alice: party.members[0] };
  }

  /**
   * Proves the mediation did not move: nobody got ptpMediation_peersConnection_start and
   * Alice is still being reminded; then the server answers /ping and the mediation
   * completes with Alice's first valid packet, sent from a new port.
   */
  async function expectUnchangedThenComplete(party: Party, alice: Peer): Promise<void> {
    const marks = party.everyone.map((peer) => markOf(peer.client));
    await sleep(INTERVAL_MS * 2 + 50);
    for (const [i, peer] of party.everyone.entries()) {
      expect(countSince(peer.client, 'ptpMediation_peersConnection_start', 0)).toBe(0);
      expect(countSince(peer.client, 'ptpMediation_aborted', 0)).toBe(0);
      // Only Alice, not yet heard from, is reminded.
      const reminders = countSince(peer.client, 'ptpMediation_send', marks[i]);
      if (peer === alice) expect(reminders).toBeGreaterThanOrEqual(1);
      else expect(reminders).toBe(0);
    }

    const ping = await request(orion.httpUrl).get('/ping');
    expect(ping.status).toBe(200);
    expect(ping.text).toBe('pong');

    const port = await sendFromNewSocket(orion.udpPort, connectFrame(alice.client.token));
    const hostStart = await party.host.client.next('ptpMediation_peersConnection_start');
    expectPeers(hostStart.peers, [{ ip: '127.0.0.1', port, name: 'Alice' }]);
    const aliceStart = await alice.client.next('ptpMediation_peersConnection_start');
    expectPeers(aliceStart.peers, [await endpointOf(party.host)]);
    for (const peer of party.everyone) sendSuccess(peer);
    for (const peer of party.everyone) {
      expect(await peer.client.next('ptpMediation_success')).toEqual({});
      await peer.client.next('lobby_closed');
    }
    expect(activeTimers(orion)).toBe(0);
    expect(orion.logger.records.filter((record) => Number(record.level) >= 50)).toEqual([]);
  }

  for (const batch of MALFORMED_BATCHES) {
    it(`ignores ${batch.name}: no crash, no change of state`, async () => {
      const { party, alice } = await mediationWaitingForAlice();
      const datagrams = batch.build(alice.client.token);
      for (const datagram of datagrams) await alice.client.sendUdp(orion.udpPort, datagram);
      for (const datagram of datagrams) await sendFromNewSocket(orion.udpPort, datagram);
      await expectUnchangedThenComplete(party, alice);
    });
  }

  it(`accepts a well-formed datagram just under the limit (1021 bytes), ignores one of 1025`, async () => {
    const { party, alice } = await mediationWaitingForAlice();
    const tooBig = paddedConnectFrame(alice.client.token, 1025);
    const largestValid = paddedConnectFrame(alice.client.token, 1021);
    expect(Buffer.byteLength(tooBig)).toBeGreaterThan(MAX_DATAGRAM_BYTES);
    expect(Buffer.byteLength(largestValid)).toBeLessThanOrEqual(MAX_DATAGRAM_BYTES);

    await alice.client.sendUdp(orion.udpPort, tooBig);
    await sleep(INTERVAL_MS);
    expect(countSince(party.host.client, 'ptpMediation_peersConnection_start', 0)).toBe(0);

    const port = await sendFromNewSocket(orion.udpPort, largestValid);
    const hostStart = await party.host.client.next('ptpMediation_peersConnection_start');
    expectPeers(hostStart.peers, [{ ip: '127.0.0.1', port, name: 'Alice' }]);
    for (const peer of party.everyone) sendSuccess(peer);
    for (const peer of party.everyone) await peer.client.next('lobby_closed');
  });

  it('ignores a valid frame from a client that is not mediating, and does not remember it', async () => {
    const { party, alice } = await mediationWaitingForAlice();
    // An idle lobby (Idle hosting, Dora in it) and a client in no lobby (Loner).
    const idle = await openParty(orion, pool, ['Idle', 'Dora']);
    const loner = await pool.connect(orion);
    const outsiders = [...idle.everyone.map((peer) => peer.client), loner];
    for (const client of outsiders) {
      await sendFromNewSocket(orion.udpPort, connectFrame(client.token));
    }
    await sleep(INTERVAL_MS);
    for (const client of outsiders) {
      expect(client.methods.filter((method) => method.startsWith('ptpMediation_'))).toEqual([]);
    }
    expect(activeTimers(orion)).toBe(1);

    // The mediation under way did not move.
    await expectUnchangedThenComplete(party, alice);

    // Later, the idle lobby (with the loner) mediates: only packets sent during its own
    // mediation count (mediateToSuccess checks each peer's endpoint is its own socket).
    const joined = await joinLobby(orion, loner, idle.lobbyId, 'Loner');
    expect(joined.status).toBe(200);
    await mediateToSuccess(orion, {
      ...idle,
      members: [...idle.members, { client: loner, name: 'Loner' }],
      everyone: [...idle.everyone, { client: loner, name: 'Loner' }],
    });
  });

  it('reports a datagram from an IPv4 socket with a dotted IPv4 address', async () => {
    const party = await openParty(orion, pool, ['Host', 'Alice']);
    await mediateToSuccess(orion, party);
    const hostStart = party.host.client.all('ptpMediation_peersConnection_start')[0];
    const aliceStart = party.members[0].client.all('ptpMediation_peersConnection_start')[0];
    for (const peer of [...hostStart.peers, ...aliceStart.peers]) {
      expect(peer.ip).toMatch(/^\d{1,3}(\.\d{1,3}){3}$/);
      expect(peer.ip).toBe('127.0.0.1');
    }
  });
});

/** True when this machine can bind a UDP socket on the IPv6 loopback. */
async function ipv6LoopbackAvailable(): Promise<boolean> {
  const socket = createSocket('udp6');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '::1', () => resolve());
    });
    return true;
  } catch {
    return false;
  } finally {
    socket.close();
  }
}

describe('UDP on a dual-stack server (host ::)', () => {
  const pool = new ClientPool();
  let orion: OrionTestApp | undefined;

  afterEach(async () => {
    await pool.closeAll();
    await orion?.close();
    orion = undefined;
  });

  it('reports an IPv4 sender as "127.0.0.1", not "::ffff:127.0.0.1", and an IPv6 sender as "::1"', async (ctx) => {
    if (!(await ipv6LoopbackAvailable())) {
      ctx.skip('IPv6 loopback (::1) is not available on this machine');
    }
    const app = await startOrion({ host: '::' });
    orion = app;
    const party = await openParty(app, pool, ['Host', 'Alice', 'Bob']);
    const [alice, bob] = party.members;
    const marks = party.everyone.map((peer) => markOf(peer.client));
    expect((await postStart(app, party.host.client, party.lobbyId)).status).toBe(200);
    for (const [i, peer] of party.everyone.entries()) {
      expect(await nextSince(peer.client, 'ptpMediation_send', marks[i])).toEqual({
        port: app.udpPort,
      });
    }

    // Host and Alice send from IPv4 sockets to 127.0.0.1; Bob from an IPv6 socket to ::1.
    await party.host.client.sendUdp(app.udpPort);
    await alice.client.sendUdp(app.udpPort);
    const bobPort = await sendFromNewSocket(app.udpPort, connectFrame(bob.client.token), 'udp6');

    const hostStart = await party.host.client.next('ptpMediation_peersConnection_start');
    expectPeers(hostStart.peers, [
      { ip: '127.0.0.1', port: await alice.client.udpPort(), name: 'Alice' },
      { ip: '::1', port: bobPort, name: 'Bob' },
    ]);
    for (const member of party.members) {
      const start = await member.client.next('ptpMediation_peersConnection_start');
      expectPeers(start.peers, [await endpointOf(party.host)]);
    }
    for (const peer of party.everyone) sendSuccess(peer);
    for (const peer of party.everyone) {
      expect(await peer.client.next('ptpMediation_success')).toEqual({});
      await peer.client.next('lobby_closed');
      expect(methodsSince(peer.client, marks[party.everyone.indexOf(peer)])).not.toContain(
        'ptpMediation_aborted',
      );
    }
    expect(activeTimers(app)).toBe(0);
    expect((await createLobby(app, party.host.client, 'Host')).status).toBe(201);
  });
});
