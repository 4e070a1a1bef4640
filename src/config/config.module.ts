import { Global, Module, type DynamicModule } from '@nestjs/common';
import { OrionConfig } from './orion-config.js';

/** Makes the one validated {@link OrionConfig} injectable everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: OrionConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: OrionConfig, useValue: config }],
      exports: [OrionConfig],
    };
  }
}
