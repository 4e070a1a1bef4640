import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import type { Response } from 'express';
import { recordAnsweredError } from './answered-error.js';
import { OrionError, type OrionErrorCode } from './orion-error.js';
import { StoreUnavailable } from './store-unavailable.js';

export class ErrorBody {
  @ApiProperty({ type: [String], example: ['The lobby is full.'] })
  errors: string[];
}

/**
 * The HTTP status of each domain error: 400 for bad input, 409 for a conflict with the
 * server's state. A record, so that a new code does not compile until it has a status.
 */
const ORION_ERROR_STATUS: Record<OrionErrorCode, HttpStatus> = {
  CLIENT_UNREGISTERED: HttpStatus.BAD_REQUEST,
  ALREADY_IN_LOBBY: HttpStatus.CONFLICT,
  NOT_IN_LOBBY: HttpStatus.CONFLICT,
  LOBBY_NOT_FOUND: HttpStatus.CONFLICT,
  LOBBY_LOCKED: HttpStatus.CONFLICT,
  LOBBY_FULL: HttpStatus.CONFLICT,
  NAME_TAKEN: HttpStatus.CONFLICT,
  NOT_HOST: HttpStatus.CONFLICT,
  TOO_FEW_MEMBERS: HttpStatus.CONFLICT,
  MEDIATION_UNDERWAY: HttpStatus.CONFLICT,
  NO_MEDIATION: HttpStatus.CONFLICT,
  LOBBY_ID_EXHAUSTED: HttpStatus.CONFLICT,
  PASSWORD_REQUIRED: HttpStatus.CONFLICT,
  WRONG_PASSWORD: HttpStatus.CONFLICT,
  CURSOR_NOT_LISTED: HttpStatus.CONFLICT,
  NO_SUCH_MEMBER: HttpStatus.CONFLICT,
  CANNOT_KICK_SELF: HttpStatus.CONFLICT,
  BANNED_FROM_LOBBY: HttpStatus.CONFLICT,
  NO_MATCHING_LOBBY: HttpStatus.CONFLICT,
};

/**
 * The one place HTTP errors are shaped: every failure answers `{ errors: string[] }`.
 * Domain errors take their status from {@link ORION_ERROR_STATUS}.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof OrionError) recordAnsweredError(response, exception.code);
    const { status, body } = this.toResponse(exception);
    if (response.headersSent) return;
    response.status(status).json(body);
  }

  private toResponse(exception: unknown): { status: number; body: ErrorBody } {
    if (exception instanceof OrionError) {
      return { status: ORION_ERROR_STATUS[exception.code], body: { errors: [exception.message] } };
    }
    if (exception instanceof StoreUnavailable) {
      return { status: HttpStatus.SERVICE_UNAVAILABLE, body: { errors: [exception.message] } };
    }
    if (exception instanceof HttpException) {
      const readError = bodyReadErrorMessage(exception.cause);
      return {
        status: exception.getStatus(),
        body: { errors: readError ? [readError] : messagesOf(exception) },
      };
    }
    this.logger.error(`Unhandled error: ${(exception as Error)?.stack ?? String(exception)}`);
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: { errors: ['Something went wrong on the server.'] },
    };
  }
}

function messagesOf(exception: HttpException): string[] {
  const response = exception.getResponse();
  if (typeof response === 'object' && response !== null) {
    const { errors, message } = response as { errors?: unknown; message?: unknown };
    if (Array.isArray(errors)) return errors.map(String);
    if (Array.isArray(message)) return message.map(String);
    if (typeof message === 'string') return [message];
  }
  return [typeof response === 'string' ? response : exception.message];
}

const BODY_READ_ERRORS: Record<string, string> = {
  'entity.parse.failed': 'The request body is not valid JSON.',
  'entity.too.large': 'The request body is too large.',
  'charset.unsupported': 'The request body must be JSON in UTF-8.',
};

/** A friendly message for errors raised while reading the body (body-parser's `type`). */
function bodyReadErrorMessage(cause: unknown): string | undefined {
  if (cause instanceof URIError) return 'The request path is malformed.';
  const type = (cause as { type?: unknown } | null | undefined)?.type;
  if (typeof type !== 'string') return undefined;
  return BODY_READ_ERRORS[type] ?? 'The request body could not be read.';
}
