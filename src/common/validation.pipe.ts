import {
  BadRequestException,
  ValidationPipe,
  type ArgumentMetadata,
  type ValidationError,
} from '@nestjs/common';
import { isNestedTooDeeply, MAX_NESTING_DEPTH } from '@orion/protocol';

export const BODY_NOT_AN_OBJECT = 'The request body must be a JSON object.';

/**
 * Refuses an HTTP body or query nested deeper than any Orion request, before
 * class-transformer recurses into it. Only those: the pipe also sees WebSocket handler
 * arguments (the socket object itself among them), and frames are checked as they decode.
 */
class ShallowInputValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // `null`, a number or an array is valid JSON, but no request of Orion's; undefined is
    // an empty body, which fails on its missing fields.
    if (metadata.type === 'body' && value !== undefined && !isJsonObject(value)) {
      throw new BadRequestException({ errors: [BODY_NOT_AN_OBJECT] });
    }
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

function isJsonObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
