import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { RemoteInfo } from 'node:dgram';
import { decodeFrame, normalizeSourceAddress, UDP_CONNECT_METHOD } from '@orion/protocol';
import { OrionEventBus, type UdpDatagramResult } from '../common/orion-events.js';
import { StoreUnavailable } from '../common/store-unavailable.js';
import { OrionConfig } from '../config/orion-config.js';
import type { Endpoint } from '../mediation/mediation.js';
import { MediationService, type EndpointOutcome } from '../mediation/mediation.service.js';
import { connectPayloadOf } from './connect-payload.js';
import type { UdpConnectDto } from './dto/udp-connect.dto.js';
import { UdpListenerService } from './udp-listener.service.js';

/** The `orion_udp_datagrams_total` label each outcome of a well-formed datagram counts under. */
const RESULT_OF_OUTCOME: Record<EndpointOutcome, UdpDatagramResult> = {
  recorded: 'accepted',
  already_recorded: 'duplicate',
  not_mediating: 'not_mediating',
  unknown_token: 'unknown_token',
};

/**
 * The UDP edge: each well-formed `ptpMediation_connect` datagram gives mediation the
 * sender's public endpoint. Anything else is dropped, and datagrams over
 * `maxDatagramBytes` are not even decoded. Every datagram is counted once, here
 * (`udp.datagram`), by what became of it.
 */
@Injectable()
export class UdpDatagramHandler implements OnModuleInit {
  private readonly logger = new Logger(UdpDatagramHandler.name);

  constructor(
    private readonly listener: UdpListenerService,
    private readonly mediation: MediationService,
    private readonly config: OrionConfig,
    private readonly events: OrionEventBus,
  ) {}

  onModuleInit(): void {
    this.listener.handleDatagramsWith((datagram, remote) => this.onDatagram(datagram, remote));
  }

  onDatagram(datagram: Buffer, remote: RemoteInfo): void {
    if (datagram.length > this.config.maxDatagramBytes) {
      this.count('oversize');
      return;
    }
    const message = decodeConnect(datagram);
    if (!message) {
      this.count('malformed');
      return;
    }
    void this.capture(message.token, {
      ip: normalizeSourceAddress(remote.address),
      port: remote.port,
    });
  }

  private async capture(token: string, endpoint: Endpoint): Promise<void> {
    try {
      this.count(RESULT_OF_OUTCOME[await this.mediation.captureEndpoint(token, endpoint)]);
    } catch (error) {
      // A datagram the store cannot take now is dropped: the reminders ask for another.
      if (error instanceof StoreUnavailable) this.count('store_unavailable');
      else this.logger.error(`UDP datagram handling failed: ${(error as Error)?.message}`);
    }
  }

  private count(result: UdpDatagramResult): void {
    this.events.emit('udp.datagram', { result });
  }
}

/** The datagram's `ptpMediation_connect` payload, or undefined when it is anything else. */
function decodeConnect(datagram: Buffer): UdpConnectDto | undefined {
  const frame = decodeFrame(datagram.toString('utf8'));
  return frame?.method === UDP_CONNECT_METHOD ? connectPayloadOf(frame.payload) : undefined;
}
