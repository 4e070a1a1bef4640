import {
  HttpException,
  HttpStatus,
  Injectable,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { Response } from 'express';
import { answeredErrorOf } from '../common/answered-error.js';
import type { OrionErrorCode } from '../common/orion-error.js';
import { clientAddressOf, type AddressedRequest } from '../common/source-address.js';
import { OrionConfig } from '../config/orion-config.js';
import { JoinMissLimiter, type MissScope } from './join-miss-limiter.js';
import { tryAgainIn } from './limit-window.js';

/**
 * The answers that count as misses: a lobby that does not exist, and a lobby's password
 * missing or wrong, which would otherwise let its password be guessed as freely.
 */
const MISSES: ReadonlySet<OrionErrorCode> = new Set<OrionErrorCode>([
  'LOBBY_NOT_FOUND',
  'PASSWORD_REQUIRED',
  'WRONG_PASSWORD',
]);

/** The request as this guard reads it: its body is parsed, not validated yet. */
type JoinRequest = AddressedRequest & { body?: unknown };

/**
 * On the join and mediation-start routes: refuses a client, or an address, that has used up
 * its misses (429 with Retry-After), and keeps a request counted only if its answer said the
 * lobby does not exist, or refused its password (see {@link MISSES}). Nothing else counts. A guard with a hook on the response, not an
 * interceptor: any interceptor puts the route on Nest's rxjs path, which cost a join about
 * a sixth of its CPU.
 */
@Injectable()
export class JoinMissGuard implements CanActivate {
  constructor(
    private readonly limiter: JoinMissLimiter,
    private readonly config: OrionConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<JoinRequest>();
    const response = http.getResponse<Response>();
    const address = clientAddressOf(request, this.config.trustProxy);
    const verdict = this.limiter.admit(tokenOf(request.body), address);
    if (!verdict.admitted) {
      const { scope, retryAfterSeconds } = verdict;
      response.setHeader('Retry-After', String(retryAfterSeconds));
      throw tooManyMisses(scope, retryAfterSeconds);
    }
    // Once answered, or once the client went away: settling twice changes nothing.
    const settle = () => {
      const answered = answeredErrorOf(response);
      verdict.settle(answered !== undefined && MISSES.has(answered));
    };
    response.once('finish', settle);
    response.once('close', settle);
    return true;
  }
}

/** The token a join or start names; only a registered one gets as far as a lobby lookup. */
function tokenOf(body: unknown): string | undefined {
  const token = (body as { token?: unknown } | null | undefined)?.token;
  return typeof token === 'string' ? token : undefined;
}

const WHOSE: Record<MissScope, string> = { client: 'this client', address: 'your address' };

function tooManyMisses(scope: MissScope, retryAfter: number): HttpException {
  const message = `Too many requests for lobbies that do not exist from ${WHOSE[scope]}. ${tryAgainIn(retryAfter)}`;
  return new HttpException({ errors: [message] }, HttpStatus.TOO_MANY_REQUESTS);
}
