import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { BindHost } from '../config/bind-host.js';
import { OrionConfig } from '../config/orion-config.js';
import type { AdvertisedUdpPort } from '../mediation/advertised-udp-port.js';

/** What the socket does with each datagram; it must not throw for long. */
export type DatagramHandler = (datagram: Buffer, remote: RemoteInfo) => void;

/**
 * Owns the UDP socket: binds it on `--udpPort`, hands every datagram to the one handler
 * registered, and says which port clients must send to.
 */
@Injectable()
export class UdpListenerService
  implements AdvertisedUdpPort, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(UdpListenerService.name);
  private socket: Socket | undefined;
  private handler: DatagramHandler = () => undefined;

  constructor(
    private readonly config: OrionConfig,
    private readonly bindHost: BindHost,
  ) {}

  /** Sets what is done with each datagram; before the socket binds, so none is missed. */
  handleDatagramsWith(handler: DatagramHandler): void {
    this.handler = handler;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { udpPort } = this.config;
    const host = this.bindHost.address;
    // A udp6 socket on `::` takes IPv4 datagrams too (ipv6Only is off).
    const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', ipv6Only: false });
    socket.on('message', (datagram, remote) => {
      // A throw here would be an uncaught exception: one datagram must never stop the server.
      try {
        this.handler(datagram, remote);
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

  /** The port the socket is bound to. */
  get port(): number {
    if (!this.socket) throw new Error('The UDP socket is not bound');
    return this.socket.address().port;
  }

  /**
   * The port clients must send to: `--udpAdvertisedPort` when a NodePort or balancer
   * forwards another one to the socket, else the bound port.
   */
  get advertisedPort(): number {
    return this.config.udpAdvertisedPort ?? this.port;
  }
}
