import {
  Injectable,
  UnsupportedMediaTypeException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { Request } from 'express';

export const JSON_BODY_REQUIRED =
  'The request body must be JSON, sent with the header Content-Type: application/json.';

/** Methods whose body a route reads; Orion's are all POST. */
const METHODS_WITH_BODY: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Answers 415 when a request carries a body that is not `application/json`. Without it,
 * a JSON text sent as `text/plain` (or a form, Unity's default) was never parsed, and the
 * answer listed every field as missing. A request with no body at all passes, and fails
 * validation as a body missing its fields would.
 */
@Injectable()
export class JsonBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    if (!METHODS_WITH_BODY.has(request.method) || !hasBody(request)) return true;
    if (request.is('application/json') === 'application/json') return true;
    throw new UnsupportedMediaTypeException({ errors: [JSON_BODY_REQUIRED] });
  }
}

/** Whether the request announced any body bytes: a chunked body, or a non-zero length. */
function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return (
    request.headers['transfer-encoding'] !== undefined ||
    (length !== undefined && Number(length) !== 0)
  );
}
