import {
  HttpException,
  HttpStatus,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Response } from 'express';
import { finalize, throwError, tap, type Observable } from 'rxjs';
import { OrionError } from '../common/orion-error.js';
import { clientAddressOf, type AddressedRequest } from '../common/source-address.js';
import { OrionConfig } from '../config/orion-config.js';
import { JoinMissLimiter, type MissScope } from './join-miss-limiter.js';
import { tryAgainIn } from './limit-window.js';

/** The request as this interceptor reads it: its body is parsed, not validated yet. */
type JoinRequest = AddressedRequest & { body?: unknown };

/**
 * On the join and mediation-start routes: refuses a client, or an address, that has used up
 * its misses (429 with Retry-After), and keeps a request counted only if it failed because
 * the lobby does not exist. Nothing else counts.
 */
@Injectable()
export class JoinMissInterceptor implements NestInterceptor {
  constructor(
    private readonly limiter: JoinMissLimiter,
    private readonly config: OrionConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<JoinRequest>();
    const address = clientAddressOf(request, this.config.trustProxy);
    const verdict = this.limiter.admit(tokenOf(request.body), address);
    if (!verdict.admitted) {
      const { scope, retryAfterSeconds } = verdict;
      http.getResponse<Response>().setHeader('Retry-After', String(retryAfterSeconds));
      return throwError(() => tooManyMisses(scope, retryAfterSeconds));
    }
    return next.handle().pipe(
      tap({ error: (error: unknown) => verdict.settle(isLobbyNotFound(error)) }),
      // Success, or the client went away: not a miss (settling twice changes nothing).
      finalize(() => verdict.settle(false)),
    );
  }
}

/** The token a join or start names; only a registered one gets as far as a lobby lookup. */
function tokenOf(body: unknown): string | undefined {
  const token = (body as { token?: unknown } | null | undefined)?.token;
  return typeof token === 'string' ? token : undefined;
}

function isLobbyNotFound(error: unknown): boolean {
  return error instanceof OrionError && error.code === 'LOBBY_NOT_FOUND';
}

const WHOSE: Record<MissScope, string> = { client: 'this client', address: 'your address' };

function tooManyMisses(scope: MissScope, retryAfter: number): HttpException {
  const message = `Too many requests for lobbies that do not exist from ${WHOSE[scope]}. ${tryAgainIn(retryAfter)}`;
  return new HttpException({ errors: [message] }, HttpStatus.TOO_MANY_REQUESTS);
}
