import { UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { JoinMissGuard } from './join-miss.guard.js';

/** Counts the route against its caller's POST rate limit (`httpRateLimit`). */
export const LimitPostRate = () => UseGuards(ThrottlerGuard);

/**
 * {@link LimitPostRate}, then counts requests (joins, mediation starts) naming lobbies that do
 * not exist, and refuses addresses that made too many: either route would otherwise confirm a
 * guessed code. One decorator for both, so that the rate limit always runs first: a request
 * it refuses is never counted as a miss.
 */
export const LimitJoinMisses = () => UseGuards(ThrottlerGuard, JoinMissGuard);
