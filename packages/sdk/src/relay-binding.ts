import type { RemoteInfo, Socket } from 'node:dgram';
import { normalizeSourceAddress, type RelayEndpoint } from '@orion/protocol';
import { isRelayBound } from './relay-frames.js';
import { sendQuietly } from './udp-address.js';

/** How often a bind is repeated until the relay answers: UDP may lose either datagram. */
export const RELAY_BIND_INTERVAL_MS = 250;
/** Binds sent at most, one pair's side: 10 s at the interval above. */
export const RELAY_BIND_ATTEMPTS = 40;

/**
 * Binds this client's side of one relayed pair: sends `ptpMediation_relay_bind` to the
 * relay endpoint from the punch socket until `ptpMediation_relay_bound` comes back from
 * that very endpoint, then calls `onBound` once. It gives up after
 * {@link RELAY_BIND_ATTEMPTS} sends; `stop()` ends it sooner.
 */
export class RelayBinding {
  private timer: NodeJS.Timeout | undefined;
  private sent = 0;
  private done = false;

  constructor(
    private readonly socket: Socket,
    readonly relay: RelayEndpoint,
    private readonly bindDatagram: Buffer,
    private readonly onBound: () => void,
    private readonly intervalMs = RELAY_BIND_INTERVAL_MS,
  ) {
    socket.on('message', this.onDatagram);
    socket.on('close', this.stop);
    this.send();
  }

  readonly stop = (): void => {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.socket.off('message', this.onDatagram);
    this.socket.off('close', this.stop);
  };

  private send(): void {
    if (this.sent >= RELAY_BIND_ATTEMPTS) {
      this.stop();
      return;
    }
    this.sent++;
    sendQuietly(this.socket, this.bindDatagram, this.relay.port, this.relay.ip);
    this.timer = setTimeout(() => this.send(), this.intervalMs);
  }

  private readonly onDatagram = (datagram: Buffer, remote: RemoteInfo): void => {
    if (!isRelayBound(datagram)) return;
    if (remote.port !== this.relay.port) return;
    if (normalizeSourceAddress(remote.address) !== normalizeSourceAddress(this.relay.ip)) return;
    this.stop();
    this.onBound();
  };
}
