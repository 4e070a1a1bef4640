import type { RemoteInfo, Socket } from 'node:dgram';
import { normalizeSourceAddress, type PeerEndpoint } from '@orion/protocol';
import { PunchFailedError } from './errors.js';
import { decodePunchHello, encodePunchHello } from './punch-frames.js';
import { DEFAULT_PUNCH_SCHEDULE, punchDelayMs, type PunchSchedule } from './punch-schedule.js';
import { sendQuietly } from './udp-address.js';

type Address = { ip: string; port: number };

export interface HolePuncherOptions {
  /** The socket that talked to Orion: its NAT mapping is the one the peers were given. */
  socket: Socket;
  /** This client's member name, carried in every hello so that peers can tell who answered. */
  selfName: string;
  schedule?: PunchSchedule;
}

/**
 * UDP hole punching on one socket. From construction until `stop()` it answers every
 * hello with an ack to the address the hello came from, and remembers where each named
 * peer was last heard from. `punch()` sends hellos to the given peers on the retry
 * schedule until each has been heard from (ack or hello) or the timeout passes.
 * Datagrams that are not punch frames are left to the socket's other listeners.
 */
export class HolePuncher {
  private readonly heardFrom = new Map<string, Address>();
  /**
   * Peers reached through Orion's relay: hellos go to the relay endpoint, and only its
   * answers count. Null while that endpoint is not bound yet: no hellos, nothing counts.
   */
  private readonly relayed = new Map<string, Address | null>();
  private readonly onHeard = new Set<() => void>();
  private readonly onStop = new Set<() => void>();
  private stopped = false;

  constructor(private readonly options: HolePuncherOptions) {
    options.socket.on('message', this.onDatagram);
    options.socket.on('close', this.stop);
  }

  /**
   * Resolves with every peer as reached (name, and the address it answered from), in
   * the order given; rejects with {@link PunchFailedError} naming the silent ones.
   */
  punch(peers: PeerEndpoint[], timeoutMs: number): Promise<PeerEndpoint[]> {
    return new Promise((resolve, reject) => {
      if (this.stopped) {
        reject(new Error('Hole punching was stopped before it started.'));
        return;
      }
      const pending = new Map(peers.map((peer) => [peer.name, peer]));
      const reached = new Map<string, PeerEndpoint>();
      let retry: NodeJS.Timeout | undefined;
      const finish = () => {
        clearTimeout(retry);
        clearTimeout(deadline);
        this.onHeard.delete(check);
        this.onStop.delete(stopped);
      };
      const check = () => {
        for (const [name, peer] of pending) {
          const source = this.heardFrom.get(name);
          if (!source) continue;
          reached.set(name, { name: peer.name, ...source });
          pending.delete(name);
        }
        if (pending.size > 0) return;
        finish();
        resolve(peers.map((peer) => reached.get(peer.name)!));
      };
      const stopped = () => {
        finish();
        reject(new Error('Hole punching stopped: the UDP socket closed or the mediation ended.'));
      };
      const deadline = setTimeout(() => {
        finish();
        reject(new PunchFailedError([...pending.values()], timeoutMs));
      }, timeoutMs);
      const sendRound = (attempt: number) => {
        const hello = encodePunchHello({ name: this.options.selfName, ack: false });
        for (const peer of pending.values()) {
          const to = this.relayed.has(peer.name) ? this.relayed.get(peer.name) : peer;
          if (to) sendQuietly(this.options.socket, hello, to.port, to.ip);
        }
        const schedule = this.options.schedule ?? DEFAULT_PUNCH_SCHEDULE;
        retry = setTimeout(() => sendRound(attempt + 1), punchDelayMs(attempt + 1, schedule));
      };
      this.onHeard.add(check);
      this.onStop.add(stopped);
      // A peer may have punched us before we were told about it.
      check();
      if (pending.size > 0) sendRound(0);
    });
  }

  /**
   * From now on `name` is reached through the relay, at `relay` once that is bound (until
   * then, null): hellos to it go there, and only hellos and acks from there count as
   * hearing it. A direct one arriving late would point at a path the peer no longer uses.
   */
  relay(name: string, relay: Address | null): void {
    this.relayed.set(name, relay && { ip: normalizeSourceAddress(relay.ip), port: relay.port });
    this.heardFrom.delete(name);
  }

  /** Whether `name` has been heard from (through the relay, once it is relayed). */
  hasHeard(name: string): boolean {
    return this.heardFrom.has(name);
  }

  /** Where `name` was heard from (for a relayed peer, its relay endpoint). */
  endpointOf(name: string): Address | undefined {
    return this.heardFrom.get(name);
  }

  /** Stops answering hellos and ends a running `punch()`. Safe to call more than once. */
  readonly stop = (): void => {
    if (this.stopped) return;
    this.stopped = true;
    this.options.socket.off('message', this.onDatagram);
    this.options.socket.off('close', this.stop);
    for (const listener of [...this.onStop]) listener();
  };

  private readonly onDatagram = (datagram: Buffer, remote: RemoteInfo): void => {
    const hello = decodePunchHello(datagram);
    if (!hello) return;
    if (!hello.ack) {
      const ack = encodePunchHello({ name: this.options.selfName, ack: true });
      sendQuietly(this.options.socket, ack, remote.port, remote.address);
    }
    const source = { ip: normalizeSourceAddress(remote.address), port: remote.port };
    if (this.relayed.has(hello.name)) {
      const relay = this.relayed.get(hello.name);
      if (!relay || relay.ip !== source.ip || relay.port !== source.port) return;
    }
    this.heardFrom.set(hello.name, source);
    for (const listener of [...this.onHeard]) listener();
  };
}
