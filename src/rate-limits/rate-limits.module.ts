import { Global, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { OrionConfig } from '../config/orion-config.js';
import { httpRateLimitOptions } from './http-rate-limit.options.js';
import { JoinMissLimiter } from './join-miss-limiter.js';

/**
 * The per-address HTTP limits. Routes opt in with `@LimitPostRate()` or `@LimitJoinMisses()`;
 * global, so that the guards they add find their state from any module.
 */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({ inject: [OrionConfig], useFactory: httpRateLimitOptions }),
  ],
  providers: [JoinMissLimiter],
  exports: [JoinMissLimiter],
})
export class RateLimitsModule {}
