import {
  HttpException,
  HttpStatus,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Response } from 'express';
import { throwError, tap, type Observable } from 'rxjs';
import { OrionError } from '../common/orion-error.js';
import { clientAddressOf, type AddressedRequest } from '../common/source-address.js';
import { OrionConfig } from '../config/orion-config.js';
import { JoinMissLimiter } from './join-miss-limiter.js';
import { tryAgainIn } from './limit-window.js';

/**
 * On the join and mediation-start routes: refuses an address that has used up its misses (429 with Retry-After),
 * and counts a request that failed because the lobby does not exist. Nothing else counts.
 */
@Injectable()
export class JoinMissInterceptor implements NestInterceptor {
  constructor(
    private readonly limiter: JoinMissLimiter,
    private readonly config: OrionConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const address = clientAddressOf(http.getRequest<AddressedRequest>(), this.config.trustProxy);
    const retryAfter = this.limiter.retryAfterSeconds(address);
    if (retryAfter !== undefined) {
      http.getResponse<Response>().setHeader('Retry-After', String(retryAfter));
      return throwError(() => tooManyMisses(retryAfter));
    }
    return next.handle().pipe(
      tap({
        error: (error: unknown) => {
          if (isLobbyNotFound(error)) this.limiter.recordMiss(address);
        },
      }),
    );
  }
}

function isLobbyNotFound(error: unknown): boolean {
  return error instanceof OrionError && error.code === 'LOBBY_NOT_FOUND';
}

function tooManyMisses(retryAfter: number): HttpException {
  const message = `Too many requests for lobbies that do not exist from your address. ${tryAgainIn(retryAfter)}`;
  return new HttpException({ errors: [message] }, HttpStatus.TOO_MANY_REQUESTS);
}
