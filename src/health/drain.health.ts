import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DrainState, SHUTTING_DOWN } from '../shutdown/drain-state.js';

/** Down once the server drains, so the load balancer stops sending it new clients. */
@Injectable()
export class DrainHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly drain: DrainState,
  ) {}

  check(key: string) {
    const indicator = this.indicators.check(key);
    return this.drain.isDraining ? indicator.down({ message: SHUTTING_DOWN }) : indicator.up();
  }
}
