import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { UdpListenerService } from '../udp/udp-listener.service.js';

/** Up while the UDP socket that captures `ptpMediation_connect` is bound. */
@Injectable()
export class UdpSocketHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly udp: UdpListenerService,
  ) {}

  check(key: string) {
    const indicator = this.indicators.check(key);
    return this.udp.isBound
      ? indicator.up({ port: this.udp.port })
      : indicator.down({ message: 'The UDP socket is not bound.' });
  }
}
