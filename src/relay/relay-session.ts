import type { RemoteInfo, Socket } from 'node:dgram';
import type { RelayDatagramResult } from '../common/orion-events.js';
import type { LobbyMember } from '../lobbies/lobby.js';
import { ByteBucket } from './byte-bucket.js';
import { BOUND_DATAGRAM, looksLikeBind, tokenOfBind } from './relay-datagrams.js';

/** Where a side's datagrams come from, as the socket reports it (and so where to send). */
interface SourceEndpoint {
  address: string;
  port: number;
}

/** One member's half of a relayed pair: its own port, and its endpoint once it has bound. */
export interface RelaySide {
  readonly member: LobbyMember;
  readonly port: number;
  readonly socket: Socket;
  bound?: SourceEndpoint;
}

/** What a session needs from the rest of the relay. */
export interface RelaySessionHooks {
  /** The client id a token belongs to, or undefined. */
  clientIdOf(token: string): Promise<string | undefined>;
  counted(result: RelayDatagramResult, bytes: number): void;
}

/**
 * One relayed pair. Each side sends to its own port; a datagram from a side's bound endpoint
 * leaves through the other side's port to the other side's bound endpoint, byte for byte, so
 * each side sees its peer at one constant endpoint. Binding is by the side's token, from the
 * endpoint the bind came from (a symmetric NAT maps each destination apart).
 */
export class RelaySession {
  private readonly bucket: ByteBucket;
  readonly openedAt = performance.now();
  lastActivityAt = this.openedAt;
  private closed = false;

  constructor(
    readonly key: string,
    readonly lobbyId: string,
    readonly sides: readonly [RelaySide, RelaySide],
    bytesPerSecond: number,
    private readonly hooks: RelaySessionHooks,
  ) {
    this.bucket = new ByteBucket(bytesPerSecond);
    for (const [index, side] of sides.entries()) {
      side.socket.on('message', (datagram, remote) => this.onDatagram(index, datagram, remote));
    }
  }

  sideOf(clientId: string): RelaySide | undefined {
    return this.sides.find((side) => side.member.clientId === clientId);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const side of this.sides) side.socket.close();
  }

  private onDatagram(index: number, datagram: Buffer, remote: RemoteInfo): void {
    const side = this.sides[index];
    const fromSide =
      side.bound !== undefined &&
      side.bound.port === remote.port &&
      side.bound.address === remote.address;
    if (looksLikeBind(datagram)) {
      void this.bind(side, datagram, remote);
      return;
    }
    if (!fromSide) {
      this.hooks.counted('stranger', datagram.length);
      return;
    }
    const other = this.sides[1 - index];
    if (!other.bound) {
      this.hooks.counted('peer_unbound', datagram.length);
      return;
    }
    if (!this.bucket.tryTake(datagram.length)) {
      this.hooks.counted('rate_limited', datagram.length);
      return;
    }
    this.lastActivityAt = performance.now();
    other.socket.send(datagram, other.bound.port, other.bound.address);
    this.hooks.counted('relayed', datagram.length);
  }

  private async bind(side: RelaySide, datagram: Buffer, remote: RemoteInfo): Promise<void> {
    const token = tokenOfBind(datagram);
    const clientId = token === undefined ? undefined : await this.hooks.clientIdOf(token);
    if (this.closed) return;
    if (clientId === undefined) {
      this.hooks.counted(token === undefined ? 'malformed' : 'stranger', datagram.length);
      return;
    }
    if (clientId !== side.member.clientId) {
      this.hooks.counted('wrong_member', datagram.length);
      return;
    }
    side.bound = { address: remote.address, port: remote.port };
    this.lastActivityAt = performance.now();
    side.socket.send(BOUND_DATAGRAM, remote.port, remote.address);
    this.hooks.counted('bind', datagram.length);
  }
}
