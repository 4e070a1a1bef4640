import {
  Injectable,
  ServiceUnavailableException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { Request } from 'express';
import { DrainState, SHUTTING_DOWN } from './drain-state.js';

/**
 * While draining, every HTTP request that would create state (all of Orion's POST
 * routes: create, join, start mediation) answers 503; reads stay available.
 */
@Injectable()
export class RefuseWhileDrainingGuard implements CanActivate {
  constructor(private readonly state: DrainState) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.state.isDraining || context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    if (request.method !== 'POST') return true;
    throw new ServiceUnavailableException({ errors: [SHUTTING_DOWN] });
  }
}
