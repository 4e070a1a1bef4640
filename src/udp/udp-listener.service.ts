import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { decodeFrame } from '../common/frame-codec.js';
import { OrionEventBus } from '../common/orion-events.js';
import { validatePayload } from '../common/validate-payload.js';
import { BindHost } from '../config/bind-host.js';
import { OrionConfig } from '../config/orion-config.js';
import { UdpConnectDto } from './dto/udp-connect.dto.js';
import { normalizeSourceAddress } from '../common/source-address.js';

/** The one datagram clients send. */
export const UDP_CONNECT_METHOD = 'ptpMediation_connect';

/**
 * Owns the UDP socket. Each well-formed `ptpMediation_connect` datagram becomes a
 * `udp.connect` event carrying the sender's public address; anything else is ignored,
 * and datagrams over `maxDatagramBytes` are not even decoded.
 */
@Injectable()
export class UdpListenerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UdpListenerService.name);
  private socket: Socket | undefined;

  constructor(
    private readonly config: OrionConfig,
    private readonly events: OrionEventBus,
    private readonly bindHost: BindHost,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { udpPort } = this.config;
    const host = this.bindHost.address;
    // A udp6 socket on `::` takes IPv4 datagrams too (ipv6Only is off).
    const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', ipv6Only: false });
    socket.on('message', (datagram, remote) => {
      // A throw here would be an uncaught exception: one datagram must never stop the server.
      try {
        this.onDatagram(datagram, remote);
      } catch (error) {
        this.logger.error(`UDP datagram handling failed: ${(error as Error)?.message}`);
      }
    });
    socket.on('error', (error) => this.logger.error(`UDP socket error: ${error.message}`));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(udpPort, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    this.socket = socket;
    this.logger.debug(`Listening for UDP on ${isIPv6(host) ? `[${host}]` : host}:${this.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  /** True while the socket is bound and receiving. */
  get isBound(): boolean {
    return this.socket !== undefined;
  }

  /** The port the socket is bound to, which clients must send to. */
  get port(): number {
    if (!this.socket) throw new Error('The UDP socket is not bound');
    return this.socket.address().port;
  }

  private onDatagram(datagram: Buffer, remote: RemoteInfo): void {
    if (datagram.length > this.config.maxDatagramBytes) {
      this.events.emit('udp.datagram', { result: 'oversize' });
      return;
    }
    const frame = decodeFrame(datagram.toString('utf8'));
    const message =
      frame?.method === UDP_CONNECT_METHOD
        ? validatePayload(UdpConnectDto, frame.payload)
        : undefined;
    if (!message) {
      this.events.emit('udp.datagram', { result: 'malformed' });
      return;
    }
    this.events.emit('udp.connect', {
      token: message.token,
      ip: normalizeSourceAddress(remote.address),
      port: remote.port,
    });
  }
}
