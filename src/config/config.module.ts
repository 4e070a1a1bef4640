import { Global, Module, type DynamicModule } from '@nestjs/common';
import { BindHost, resolveBindHost } from './bind-host.js';
import { OrionConfig } from './orion-config.js';

/** Makes the one validated {@link OrionConfig}, and the address to bind to, injectable everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: OrionConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: OrionConfig, useValue: config },
        { provide: BindHost, useFactory: () => resolveBindHost(config.host) },
      ],
      exports: [OrionConfig, BindHost],
    };
  }
}
