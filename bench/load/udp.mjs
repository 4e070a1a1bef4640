import { udpSocketStats } from '../lib/proc.mjs';
import { sleep } from '../lib/stats.mjs';
import { Http, buildLobby, connectDatagram, udpSocket } from './protocol.mjs';

const BURST = 256;

/**
 * Scenario 4, UDP capture: a lobby of `members` in mediation; every member but the last
 * keeps re-sending `ptpMediation_connect` as fast as this process can, so the mediation
 * stays in its collecting phase and every datagram after the first of each member is a
 * duplicate the server parses, validates, looks up and ignores. Datagrams the kernel
 * dropped at the server's socket (per-socket `drops` in /proc/net/udp) are not counted.
 */
export async function runUdp({ target, params, mark }) {
  const http = new Http(target.host, target.httpPort);
  const { lobbyId, host, clients } = await buildLobby(target, http, params.members);
  await http.expect(200, `/lobbies/${lobbyId}/ptp/start`, { token: host.token });
  http.close();
  const [{ port }] = await Promise.all(clients.map((client) => client.next('ptpMediation_send')));
  const senders = clients.slice(0, -1);
  const sockets = await Promise.all(clients.map(() => udpSocket(target.host)));
  const datagrams = senders.map((client) => connectDatagram(client.token));
  const errors = { count: 0 };
  for (const socket of sockets) socket.on('error', () => errors.count++);

  await flood(sockets, datagrams, target.host, port, params.warmupMs);
  await drain(port, params.drainMs);

  const before = udpSocketStats(port);
  const errorsBefore = errors.count;
  await mark('udp:begin');
  const started = performance.now();
  const sent = await flood(sockets, datagrams, target.host, port, params.durationMs);
  const floodMs = performance.now() - started;
  const drained = await drain(port, params.drainMs);
  const windowMs = performance.now() - started;
  await mark('udp:end');
  const after = udpSocketStats(port);
  const dropped = after.drops - before.drops;
  const handled = sent - (errors.count - errorsBefore) - dropped;
  if (!drained) throw new Error(`the server's UDP queue did not drain in ${params.drainMs} ms`);

  // The mediation must still be collecting: the last member's packet now completes it.
  const last = clients.length - 1;
  sockets[last].send(connectDatagram(clients[last].token), port, target.host);
  await Promise.all(clients.map((client) => client.next('ptpMediation_peersConnection_start')));
  for (const socket of sockets) socket.close();
  await Promise.all(clients.map((client) => client.close()));
  return { senders: senders.length, sent, dropped, handled, drained, floodMs, windowMs };
}

/** Sends the datagrams round-robin for `ms`, yielding to the event loop every burst. */
async function flood(sockets, datagrams, host, port, ms) {
  const deadline = performance.now() + ms;
  let sent = 0;
  while (performance.now() < deadline) {
    for (let i = 0; i < BURST; i++) {
      const k = (sent + i) % datagrams.length;
      sockets[k].send(datagrams[k], port, host);
    }
    sent += BURST;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return sent;
}

/** Waits until the server's socket has read everything queued; false on timeout. */
async function drain(port, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (udpSocketStats(port).rxQueueBytes === 0) return true;
    await sleep(2);
  }
  return false;
}
