import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { STORE_TRAFFIC, type StoreTraffic } from '../backends/store-traffic.js';
import { ClientsModule } from '../clients/clients.module.js';
import { ClientsService } from '../clients/clients.service.js';
import { ReconnectionService } from '../clients/reconnection.service.js';
import { LobbiesModule } from '../lobbies/lobbies.module.js';
import { LobbiesService } from '../lobbies/lobbies.service.js';
import { HttpMetricsMiddleware } from './http-metrics.middleware.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsRecorder } from './metrics-recorder.service.js';
import { MetricsServer } from './metrics-server.js';
import { OrionMetrics } from './orion-metrics.js';

/** Prometheus metrics: fed by the modules' events, read at `/metrics`. */
@Module({
  imports: [ClientsModule, LobbiesModule],
  controllers: [MetricsController],
  providers: [
    {
      provide: OrionMetrics,
      inject: [ClientsService, ReconnectionService, LobbiesService, STORE_TRAFFIC],
      useFactory: (
        clients: ClientsService,
        reconnection: ReconnectionService,
        lobbies: LobbiesService,
        store: StoreTraffic,
      ) =>
        new OrionMetrics(
          async () => ({
            clients: await clients.count(),
            awayClients: reconnection.awayCount,
            lobbies: (await lobbies.all()).map((lobby) => ({
              isPublic: lobby.isPublic,
              hasPassword: lobby.passwordHash !== undefined,
              locked: lobby.locked,
              members: lobby.members.length,
            })),
          }),
          () => store.commandsSent(),
        ),
    },
    MetricsRecorder,
    MetricsServer,
  ],
})
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('{*path}');
  }
}
