import { Global, Module } from '@nestjs/common';
import { ADVERTISED_UDP_PORT } from '../mediation/advertised-udp-port.js';
import { MediationModule } from '../mediation/mediation.module.js';
import { UdpDatagramHandler } from './udp-datagram.handler.js';
import { UdpListenerService } from './udp-listener.service.js';

/**
 * The UDP edge. Global so that mediation gets the advertised port without importing the
 * edge that calls it.
 */
@Global()
@Module({
  imports: [MediationModule],
  providers: [
    UdpListenerService,
    UdpDatagramHandler,
    { provide: ADVERTISED_UDP_PORT, useExisting: UdpListenerService },
  ],
  exports: [UdpListenerService, ADVERTISED_UDP_PORT],
})
export class UdpModule {}
