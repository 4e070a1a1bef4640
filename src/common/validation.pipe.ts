import {
  BadRequestException,
  ValidationPipe,
  type ArgumentMetadata,
  type ValidationError,
} from '@nestjs/common';
import { isNestedTooDeeply, MAX_NESTING_DEPTH } from './nesting-depth.js';

/**
 * Refuses an HTTP body or query nested deeper than any Orion request, before
 * class-transformer recurses into it. Only those: the pipe also sees WebSocket handler
 * arguments (the socket object itself among them), and frames are checked as they decode.
 */
class ShallowInputValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const fromRequest = metadata.type === 'body' || metadata.type === 'query';
    if (fromRequest && isNestedTooDeeply(value)) {
      throw new BadRequestException({
        errors: [`The request is nested more than ${MAX_NESTING_DEPTH} levels deep.`],
      });
    }
    return super.transform(value, metadata);
  }
}

/**
 * Validates request bodies strictly: no implicit type conversion (`"4"` is not a
 * number), unknown properties stripped, and failures reported as `{ errors }`.
 */
export function createValidationPipe(): ValidationPipe {
  return new ShallowInputValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: false,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => new BadRequestException({ errors: flattenMessages(errors) }),
  });
}

function flattenMessages(errors: ValidationError[]): string[] {
  const messages = collectMessages(errors);
  return messages.length > 0 ? messages : ['The request body is invalid.'];
}

function collectMessages(errors: ValidationError[]): string[] {
  return errors.flatMap((error) => [
    ...Object.values(error.constraints ?? {}),
    ...collectMessages(error.children ?? []),
  ]);
}
