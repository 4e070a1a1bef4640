import { Module } from '@nestjs/common';
import { UdpListenerService } from './udp-listener.service.js';

@Module({
  providers: [UdpListenerService],
  exports: [UdpListenerService],
})
export class UdpModule {}
