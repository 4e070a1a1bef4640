import { RELAY_BIND_METHOD, RELAY_BOUND_METHOD, encodeFrame } from '@orion/protocol';
import { percentile, sleep, within } from '../lib/stats.mjs';
import { Client, Http, connectDatagram, udpSocket } from './protocol.mjs';

const RESEND_MS = 200;
const SETUP_WAIT_MS = 15_000;
const BOUND_TEXT = encodeFrame(RELAY_BOUND_METHOD, {});
const HOST_NAME = 'host';
const GUEST_NAME = 'guest';

/** A game datagram: stream (u16), phase (u8), sequence (u32), send time (f64), filler. */
const PAYLOAD_BYTES = 100;
const AT = { stream: 0, phase: 2, seq: 3, sentAt: 7 };
const FILLER = Buffer.alloc(PAYLOAD_BYTES - 15, 0xa5);
const WARMUP = 0;
const MEASURED = 1;

/**
 * Scenario 5, the relay: `pairs` lobbies of two punch, the host asks for a relay, both
 * sides bind their relay port, report success and leave Orion (the relay outlives the lobby
 * and the WebSockets). Then every side sends `rate` game datagrams per second to its relay
 * port, open-loop and spread evenly over time. A datagram's latency runs from its send to
 * its arrival at the peer's socket, on this process's clock.
 */
export async function runRelay({ target, params, mark }) {
  const http = new Http(target.host, target.httpPort);
  const setup = { resends: 0 };
  const pairs = [];
  try {
    for (let i = 0; i < params.pairs; i += params.setupInFlight) {
      const batch = Array.from({ length: Math.min(params.setupInFlight, params.pairs - i) });
      pairs.push(...(await Promise.all(batch.map(() => setUpPair(target, http, setup)))));
    }
  } finally {
    http.close();
  }
  const streams = pairs.flatMap(([a, b], pair) => [
    stream(a, b, pair * 2),
    stream(b, a, pair * 2 + 1),
  ]);
  const meter = new Meter();
  for (const s of streams)
    s.to.socket.on('message', (data, remote) => meter.receive(s.to, data, remote));

  try {
    const warmup = await offer(streams, params.rate, params.warmupMs, WARMUP);
    await meter.drained(WARMUP, warmup, params.drainMs);

    await mark('relay:begin');
    const started = performance.now();
    const sent = await offer(streams, params.rate, params.durationMs, MEASURED);
    const offerMs = performance.now() - started;
    await meter.drained(MEASURED, sent, params.drainMs);
    const windowMs = performance.now() - started;
    await mark('relay:end');

    const { latencies, received, misrouted } = meter;
    return {
      pairs: pairs.length,
      sent,
      received: received[MEASURED],
      lost: sent - received[MEASURED],
      misrouted,
      setupResends: setup.resends,
      offeredPerSec: (sent * 1000) / offerMs,
      windowMs,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: percentile(latencies, 100),
    };
  } finally {
    for (const [a, b] of pairs) {
      a.socket.close();
      b.socket.close();
    }
  }
}

/** One direction of a pair: from a side's socket to its relay port, arriving at the peer. */
function stream(from, to, id) {
  return { id, from, to, seq: 0 };
}

/**
 * One pair, up to the relay: lobby, mediation with real UDP packets, relay request by the
 * host, both binds, success reported; then the WebSockets close. Resolves with both sides:
 * the UDP socket each uses for the game, and the relay port it sends to.
 */
async function setUpPair(target, http, stats) {
  const clients = await Promise.all([0, 1].map(() => Client.connect(target.wsUrl)));
  const sockets = await Promise.all([0, 1].map(() => udpSocket(target.host)));
  let relays;
  try {
    const [host, guest] = clients;
    const { lobbyId } = await http.expect(201, '/lobbies', {
      token: host.token,
      hostName: HOST_NAME,
      lobbyName: 'bench relay',
      isPublic: false,
      maxMembers: 2,
    });
    await http.expect(200, `/lobbies/${lobbyId}/join`, {
      token: guest.token,
      peerName: GUEST_NAME,
    });
    await host.next('lobby_peerConnect');
    await http.expect(200, `/lobbies/${lobbyId}/ptp/start`, { token: host.token });
    await Promise.all(clients.map((client, i) => punch(client, sockets[i], target.host, stats)));

    host.send('ptpMediation_relay_request', { token: host.token, peerNames: [GUEST_NAME] });
    relays = await Promise.all(
      clients.map((client, i) => allocated(client, i === 0 ? GUEST_NAME : HOST_NAME)),
    );
    await Promise.all(clients.map((client, i) => bind(client, sockets[i], relays[i], stats)));
    for (const client of clients) {
      client.send('ptpMediation_peersConnection_success', { token: client.token });
    }
    for (const client of clients) {
      await client.next('ptpMediation_success');
      await client.next('lobby_closed');
    }
  } catch (error) {
    for (const socket of sockets) socket.close();
    throw error;
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
  return sockets.map((socket, i) => ({
    socket,
    relay: { ip: relays[i].ip, port: relays[i].port },
  }));
}

/** `ptpMediation_connect` from the game socket, re-sent until the peers phase starts. */
async function punch(client, socket, host, stats) {
  const { port } = await client.next('ptpMediation_send');
  const datagram = connectDatagram(client.token);
  socket.send(datagram, port, host);
  const resend = setInterval(() => {
    stats.resends++;
    socket.send(datagram, port, host);
  }, RESEND_MS);
  try {
    await client.next('ptpMediation_peersConnection_start');
  } finally {
    clearInterval(resend);
  }
}

async function allocated(client, peerName) {
  const { relays } = await client.next('ptpMediation_relay_allocated');
  if (relays?.length !== 1 || relays[0].peerName !== peerName) {
    throw new Error(`unexpected relay allocation ${JSON.stringify(relays)}`);
  }
  return relays[0];
}

/** `ptpMediation_relay_bind`, re-sent until `ptpMediation_relay_bound` comes from the port. */
async function bind(client, socket, relay, stats) {
  const datagram = Buffer.from(encodeFrame(RELAY_BIND_METHOD, { token: client.token }), 'utf8');
  const sendBind = () => socket.send(datagram, relay.port, relay.ip);
  let onMessage;
  let resend;
  const bound = new Promise((resolve) => {
    onMessage = (data, remote) => {
      if (remote.port === relay.port && data.toString('utf8') === BOUND_TEXT) resolve();
    };
    socket.on('message', onMessage);
    sendBind();
    resend = setInterval(() => {
      stats.resends++;
      sendBind();
    }, RESEND_MS);
  });
  try {
    await within(SETUP_WAIT_MS, bound, `no ${RELAY_BOUND_METHOD} from relay port ${relay.port}`);
  } finally {
    clearInterval(resend);
    socket.off('message', onMessage);
  }
}

/**
 * Sends each stream `rate` datagrams per second for `ms`, open-loop: datagram n of all is
 * due at n / (streams x rate) s, the streams taking turns, so sends spread evenly in time.
 * Returns how many were sent.
 */
async function offer(streams, rate, ms, phase) {
  const perMs = (streams.length * rate) / 1000;
  const total = Math.round(perMs * ms);
  const started = performance.now();
  let n = 0;
  while (n < total) {
    const due = Math.min(total, Math.floor((performance.now() - started) * perMs) + 1);
    for (; n < due; n++) send(streams[n % streams.length], phase);
    await sleep(1);
  }
  return total;
}

function send(s, phase) {
  const datagram = Buffer.allocUnsafe(PAYLOAD_BYTES);
  datagram.writeUInt16BE(s.id, AT.stream);
  datagram.writeUInt8(phase, AT.phase);
  datagram.writeUInt32BE(s.seq++, AT.seq);
  FILLER.copy(datagram, 15);
  datagram.writeDoubleBE(performance.now(), AT.sentAt);
  s.from.socket.send(datagram, s.from.relay.port, s.from.relay.ip);
}

/** Counts arrivals by phase and keeps the measured phase's latencies. */
class Meter {
  latencies = [];
  received = [0, 0];
  misrouted = 0;

  receive(to, data, remote) {
    const now = performance.now();
    // A late answer to a re-sent bind is no game datagram.
    if (data.length !== PAYLOAD_BYTES) return;
    // Relayed traffic must come from the receiver's own relay endpoint.
    if (remote.port !== to.relay.port) {
      this.misrouted++;
      return;
    }
    const phase = data.readUInt8(AT.phase);
    this.received[phase]++;
    if (phase === MEASURED) this.latencies.push(now - data.readDoubleBE(AT.sentAt));
  }

  /** Waits until `count` datagrams of `phase` arrived, or `timeoutMs` passed. */
  async drained(phase, count, timeoutMs) {
    const deadline = performance.now() + timeoutMs;
    while (this.received[phase] < count && performance.now() < deadline) await sleep(2);
  }
}
