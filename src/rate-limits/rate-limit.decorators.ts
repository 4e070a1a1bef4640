import { UseGuards, UseInterceptors } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { JoinMissInterceptor } from './join-miss.interceptor.js';

/** Counts the route against its caller's POST rate limit (`httpRateLimit`). */
export const LimitPostRate = () => UseGuards(ThrottlerGuard);

/**
 * Counts requests (joins, mediation starts) naming lobbies that do not exist, and refuses
 * addresses that made too many: either route would otherwise confirm a guessed code.
 */
export const LimitJoinMisses = () => UseInterceptors(JoinMissInterceptor);
