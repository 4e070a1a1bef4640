import { Injectable } from '@nestjs/common';
import { OrionConfig } from '../config/orion-config.js';

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date, in ms on the monotonic clock. */
  refilledAt: number;
}

/**
 * A token bucket per client for chat: `chatBurst` messages at once, refilled at
 * `chatRatePerSecond`. A client's bucket lives from its first chat until `forget`.
 */
@Injectable()
export class ChatRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly config: OrionConfig) {}

  /** Spends one token of the client's bucket; false when it has none left. */
  tryTake(clientId: string, now = performance.now()): boolean {
    const { chatBurst, chatRatePerSecond } = this.config;
    const bucket = this.buckets.get(clientId);
    if (!bucket) {
      this.buckets.set(clientId, { tokens: chatBurst - 1, refilledAt: now });
      return true;
    }
    const refill = (Math.max(0, now - bucket.refilledAt) / 1000) * chatRatePerSecond;
    bucket.tokens = Math.min(chatBurst, bucket.tokens + refill);
    bucket.refilledAt = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Drops the client's bucket once it has gone. */
  forget(clientId: string): void {
    this.buckets.delete(clientId);
  }

  /** How many clients have a bucket. */
  get size(): number {
    return this.buckets.size;
  }
}
