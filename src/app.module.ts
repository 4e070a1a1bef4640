import { Module, type DynamicModule } from '@nestjs/common';
import type { Writable } from 'node:stream';
import { BackendModule } from './backends/backend.module.js';
import { ClientsModule } from './clients/clients.module.js';
import { EventsModule } from './common/events.module.js';
import { ConfigModule } from './config/config.module.js';
import type { OrionConfig } from './config/orion-config.js';
import { ConnectionsModule } from './connections/connections.module.js';
import { GatewayModule } from './gateway/gateway.module.js';
import { HealthModule } from './health/health.module.js';
import { LobbiesModule } from './lobbies/lobbies.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { MediationModule } from './mediation/mediation.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { RateLimitsModule } from './rate-limits/rate-limits.module.js';
import { DrainStateModule } from './shutdown/drain-state.module.js';
import { ShutdownModule } from './shutdown/shutdown.module.js';
import { UdpModule } from './udp/udp.module.js';

@Module({})
export class AppModule {
  /** @param logDestination where log lines go (standard output when absent). */
  static forRoot(config: OrionConfig, logDestination?: Writable): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config, logDestination),
        EventsModule,
        BackendModule.forRoot(config),
        DrainStateModule,
        ConnectionsModule,
        ClientsModule,
        LobbiesModule,
        UdpModule,
        MediationModule,
        GatewayModule,
        HealthModule,
        MetricsModule,
        RateLimitsModule,
        ShutdownModule,
      ],
    };
  }
}
