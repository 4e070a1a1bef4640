// One game client of the NAT lab (test/nat-lab.e2e-spec.ts), run inside a home namespace:
//   ip netns exec <home> node test/support/labs/nat-lab/peer.mjs '<json args>'
// It uses the built SDK exactly as a game would: connect, host or join, mediate, then talk to
// its peers directly over the punched socket. It reports everything it sees as JSON lines on
// stdout (never the token), and always ends by itself: exit 0 when the mediation succeeded and
// every game datagram went both ways, 2 when the mediation failed, 1 on any other error, and
// 3 when runTimeoutMs ran out. The args are described by PeerArgs in peer-process.ts.
import { OrionClient, PunchFailedError } from '@orion/sdk';

const args = JSON.parse(process.argv[2]);
const emit = (event, fields = {}) =>
  process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const giveUp = setTimeout(() => {
  emit('timeout', { message: `no outcome within ${args.runTimeoutMs} ms` });
  process.exit(3);
}, args.runTimeoutMs);

/** A game datagram: `game:<from>-><to>:<i>`, answered with the same text plus `:ack`. */
const GAME_DATAGRAM = /^game:(\w+)->(\w+):(\d+)(:ack)?$/;

/**
 * The game's own traffic on the punched socket. It listens from the moment the socket exists,
 * so a peer that finishes mediating first and starts sending is never missed.
 */
class GameTraffic {
  /** Per peer name: the request numbers it sent us, and the acks it returned for ours. */
  requests = new Map();
  acks = new Map();

  constructor(socket) {
    this.socket = socket;
    socket.on('message', (message, from) => this.receive(message.toString('utf8'), from));
  }

  receive(text, from) {
    if (!text.startsWith('game:')) return;
    emit('datagram', { text, from: `${from.address}:${from.port}` });
    const match = GAME_DATAGRAM.exec(text);
    if (!match || match[2] !== args.name) return;
    const [, sender, , number, ack] = match;
    const seen = ack ? this.acks : this.requests;
    if (!seen.has(sender)) seen.set(sender, new Set());
    seen.get(sender).add(Number(number));
    if (!ack)
      this.socket.send(`game:${args.name}->${sender}:${number}:ack`, from.port, from.address);
  }

  /** Sends every request to every peer, again every 100 ms until acked, until both ways are complete. */
  async exchange(peers) {
    const complete = (map, peer) => (map.get(peer.name)?.size ?? 0) === args.datagrams;
    while (!peers.every((peer) => complete(this.requests, peer) && complete(this.acks, peer))) {
      for (const peer of peers) {
        for (let i = 0; i < args.datagrams; i++) {
          if (this.acks.get(peer.name)?.has(i)) continue;
          this.socket.send(`game:${args.name}->${peer.name}:${i}`, peer.port, peer.ip);
        }
      }
      await sleep(100);
    }
  }
}

async function hostAndStart(client) {
  let joined = 0;
  const everyoneIn = new Promise((resolve) =>
    client.on('lobby_peerConnect', () => {
      if (++joined === args.members) resolve();
    }),
  );
  const lobby = await client.host({
    hostName: args.name,
    lobbyName: 'NAT lab',
    isPublic: false,
    maxMembers: args.members + 1,
  });
  emit('hosted', { lobbyId: lobby.lobbyId });
  await everyoneIn;
  await client.startMediation();
  emit('started');
}

async function main() {
  const client = await OrionClient.connect({ url: args.url, localPort: args.localPort });
  const local = client.socket.address();
  emit('connected', { local: `${local.address}:${local.port}` });
  const game = new GameTraffic(client.socket);
  let aborted;
  const abortSeen = new Promise((resolve) => (aborted = resolve));
  client.on('ptpMediation_peersConnection_start', ({ peers }) => emit('peersFromOrion', { peers }));
  client.on('ptpMediation_aborted', ({ abortReason }) => {
    emit('aborted', { reason: abortReason });
    aborted();
  });

  if (args.role === 'host') await hostAndStart(client);
  else emit('joined', await client.join(args.lobbyId, args.name));

  const mediateCalled = Date.now();
  let result;
  try {
    result = await client.mediate({
      punchTimeoutMs: args.punchTimeoutMs,
      relay: args.relay,
      relayAfterMs: args.relayAfterMs,
    });
  } catch (error) {
    emit('mediationFailed', {
      errorClass: error.name,
      message: error.message,
      unreachable: error instanceof PunchFailedError ? error.unreachable : undefined,
      elapsedMs: Date.now() - mediateCalled,
    });
    // The server decides the mediation's end: wait for its abort (bounded), then leave.
    await Promise.race([abortSeen, sleep(args.abortWaitMs)]);
    await client.close();
    return 2;
  }
  emit('mediated', {
    peers: result.peers,
    relayed: result.relayed,
    elapsedMs: Date.now() - mediateCalled,
  });
  await game.exchange(result.peers);
  // Linger briefly so that a peer still missing an ack for a resent request gets it.
  await sleep(300);
  emit('done', {
    requests: Object.fromEntries([...game.requests].map(([name, set]) => [name, set.size])),
    acks: Object.fromEntries([...game.acks].map(([name, set]) => [name, set.size])),
  });
  await client.close();
  return 0;
}

main().then(
  (code) => {
    clearTimeout(giveUp);
    process.exit(code);
  },
  (error) => {
    emit('error', { errorClass: error?.name, message: error?.message ?? String(error) });
    process.exit(1);
  },
);
