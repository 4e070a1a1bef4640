import { percentile, sleep } from '../lib/stats.mjs';
import { Client, Http, connectDatagram, udpSocket } from './protocol.mjs';

const MEMBERS = 8;
const RESEND_MS = 200;

/**
 * Scenario 1, the full lobby flow: 8 clients connect, one creates a lobby, 7 join, one
 * chat message reaches all, mediation runs with real UDP packets, all report success,
 * ptpMediation_success and lobby_closed arrive, sockets close. Measured at each level
 * of flows in flight.
 */
export async function runFlows({ target, params, mark }) {
  const http = new Http(target.host, target.httpPort, 256);
  try {
    const warmupStats = { udpResends: 0 };
    await runMany(
      target,
      http,
      params.warmupFlows,
      params.warmupInFlight,
      params.phaseMs,
      warmupStats,
    );
    const levels = {};
    for (const inFlight of params.inFlight) {
      const flows = params.flows[inFlight];
      await sleep(params.settleMs);
      await mark(`flows${inFlight}:begin`);
      const started = performance.now();
      const stats = { udpResends: 0 };
      const latencies = await runMany(target, http, flows, inFlight, params.phaseMs, stats);
      const wallMs = performance.now() - started;
      // A short tail, so the server's last socket closes fall inside the window.
      await sleep(params.tailMs);
      await mark(`flows${inFlight}:end`);
      levels[inFlight] = {
        flows: latencies.length,
        wallMs,
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        udpResends: stats.udpResends,
      };
    }
    return { levels };
  } finally {
    http.close();
  }
}

/** Runs `count` flows, `inFlight` at a time; returns each flow's latency in ms. */
async function runMany(target, http, count, inFlight, phaseMs, stats) {
  const latencies = [];
  const deadline = performance.now() + phaseMs;
  let started = 0;
  const worker = async () => {
    const sockets = await Promise.all(
      Array.from({ length: MEMBERS }, () => udpSocket(target.host)),
    );
    try {
      while (started < count) {
        if (performance.now() > deadline) throw new Error(`flows did not finish in ${phaseMs} ms`);
        started++;
        latencies.push(await runFlow(target, http, sockets, stats));
      }
    } finally {
      for (const socket of sockets) socket.close();
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  return latencies;
}

async function runFlow(target, http, udpSockets, stats) {
  const started = performance.now();
  const clients = await Promise.all(udpSockets.map(() => Client.connect(target.wsUrl)));
  try {
    const [host, ...peers] = clients;
    const { lobbyId } = await http.expect(201, '/lobbies', {
      token: host.token,
      hostName: 'host',
      lobbyName: 'bench flow',
      isPublic: false,
      maxMembers: MEMBERS,
    });
    await Promise.all(
      peers.map((peer, i) =>
        http.expect(200, `/lobbies/${lobbyId}/join`, {
          token: peer.token,
          peerName: `peer${i + 1}`,
        }),
      ),
    );
    await host.take('lobby_peerConnect', peers.length);
    host.send('lobby_messaging_send', {
      token: host.token,
      lobbyId,
      message: 'ready when you are',
    });
    await Promise.all(clients.map((client) => client.next('lobby_messaging_received')));
    await http.expect(200, `/lobbies/${lobbyId}/ptp/start`, { token: host.token });
    await Promise.all(
      clients.map((client, i) =>
        mediate(client, udpSockets[i], target.host, i === 0 ? peers.length : 1, stats),
      ),
    );
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
  return performance.now() - started;
}

/**
 * One member's part of mediation: UDP packet, peers, success report, lobby closed.
 * The server's reminders are set far apart to keep timers out of the figures, so the
 * member re-sends its packet itself when the kernel dropped it (the server's socket
 * buffer overflows when many members answer at once); re-sends are counted.
 */
async function mediate(client, socket, host, expectedPeers, stats) {
  const { port } = await client.next('ptpMediation_send');
  const datagram = connectDatagram(client.token);
  socket.send(datagram, port, host);
  const resend = setInterval(() => {
    stats.udpResends++;
    socket.send(datagram, port, host);
  }, RESEND_MS);
  let peers;
  try {
    ({ peers } = await client.next('ptpMediation_peersConnection_start'));
  } finally {
    clearInterval(resend);
  }
  if (peers.length !== expectedPeers) throw new Error(`got ${peers.length} peers`);
  client.send('ptpMediation_peersConnection_success', { token: client.token });
  await client.next('ptpMediation_success');
  await client.next('lobby_closed');
}
