import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { UdpModule } from '../udp/udp.module.js';
import { HealthController } from './health.controller.js';
import { DrainHealthIndicator } from './drain.health.js';
import { StoreHealthIndicator } from './store.health.js';
import { UdpSocketHealthIndicator } from './udp-socket.health.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), UdpModule],
  controllers: [HealthController],
  providers: [UdpSocketHealthIndicator, DrainHealthIndicator, StoreHealthIndicator],
})
export class HealthModule {}
