import type { Socket } from 'node:dgram';
import type { PeerEndpoint, RelayEndpoint } from '@orion/protocol';
import type { HolePuncher } from './hole-punch.js';
import { RelayBinding } from './relay-binding.js';

/**
 * When `mediate()` asks Orion to relay a pair: `fallback` (the default) after punching a
 * peer has gone unanswered for `relayAfterMs`, `always` as soon as the peer list comes
 * (every pair relayed, so no peer learns another's address; needs a server with the relay
 * on), `off` never. Whatever the mode, an allocation Orion sends because the other side
 * asked is always followed.
 */
export type RelayMode = 'fallback' | 'always' | 'off';

export const DEFAULT_RELAY_AFTER_MS = 2_000;

export interface RelayFallbackOptions {
  socket: Socket;
  puncher: HolePuncher;
  mode: RelayMode;
  relayAfterMs: number;
  /** Sends `ptpMediation_relay_request` naming these peers. */
  requestRelay(peerNames: string[]): void;
  /** This client's `ptpMediation_relay_bind` datagram. */
  bindDatagram: Buffer;
}

/**
 * One mediation's relay side: asks for a relay when the mode says so, and for every pair
 * Orion allocates, moves that peer to the relay and binds this client's port of it.
 *
 * A pair with an allocation is relayed, whatever happened before: Orion tells both sides
 * at once, and both switching is what keeps them consistent. A direct punch that
 * completes just before the allocation lands therefore still ends relayed.
 */
export class RelayFallback {
  private readonly allocations = new Map<string, RelayEndpoint>();
  private readonly bindings = new Map<string, RelayBinding>();
  private peers: PeerEndpoint[] = [];
  private askTimer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(private readonly options: RelayFallbackOptions) {}

  /** The peer list arrived: asks now, later, or never, as the mode says. */
  start(peers: PeerEndpoint[]): void {
    this.peers = peers;
    const { mode, puncher } = this.options;
    if (mode === 'always') {
      // No direct hello may count: the pair must not succeed before its relay exists.
      for (const peer of peers) puncher.relay(peer.name, null);
      this.ask(peers.map((peer) => peer.name));
    }
    if (mode !== 'fallback') return;
    this.askTimer = setTimeout(() => {
      // Neither heard from nor already allocated (the other side may have asked first).
      const silent = this.peers.filter(
        (peer) => !puncher.hasHeard(peer.name) && !this.allocations.has(peer.name),
      );
      this.ask(silent.map((peer) => peer.name));
    }, this.options.relayAfterMs);
  }

  /** Orion allocated relay ports (asked by either side): relays and binds each of our pairs. */
  allocated(relays: readonly RelayEndpoint[]): void {
    if (this.ended) return;
    for (const relay of relays) {
      const { peerName } = relay;
      if (!this.peers.some((peer) => peer.name === peerName)) continue;
      const current = this.allocations.get(peerName);
      if (current && current.ip === relay.ip && current.port === relay.port) continue;
      this.allocations.set(peerName, relay);
      this.options.puncher.relay(peerName, null);
      this.bindings.get(peerName)?.stop();
      const binding = new RelayBinding(this.options.socket, relay, this.options.bindDatagram, () =>
        this.options.puncher.relay(peerName, relay),
      );
      this.bindings.set(peerName, binding);
    }
  }

  /** The relay endpoint `name`'s traffic goes to, when its pair is relayed. */
  endpointOf(name: string): { ip: string; port: number } | undefined {
    const relay = this.allocations.get(name);
    return relay && { ip: relay.ip, port: relay.port };
  }

  /** The peers reached through the relay, in peer-list order. */
  get relayed(): string[] {
    return this.peers.map((peer) => peer.name).filter((name) => this.allocations.has(name));
  }

  /**
   * The mediation succeeded: a bind still unanswered goes on, bounded, so that the
   * relay learns where to send this side's traffic; nothing else happens any more.
   */
  handOver(): void {
    this.ended = true;
    clearTimeout(this.askTimer);
  }

  /** The mediation failed: everything stops. */
  stop(): void {
    this.handOver();
    for (const binding of this.bindings.values()) binding.stop();
  }

  private ask(peerNames: string[]): void {
    if (peerNames.length === 0 || this.ended) return;
    this.options.requestRelay(peerNames);
  }
}
