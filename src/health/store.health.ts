import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { STORE_HEALTH, type StoreHealth } from '../backends/store-health.js';

/**
 * Up while the state store answers: always for in-memory state; for Redis, while PING
 * answers in time (the backend decides). While it is down, requests answer 503, so
 * readiness says so too.
 */
@Injectable()
export class StoreHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(STORE_HEALTH) private readonly store: StoreHealth,
  ) {}

  async check(key: string) {
    const indicator = this.indicators.check(key);
    const { up, ...details } = await this.store.status();
    return up ? indicator.up(details) : indicator.down(details);
  }
}
