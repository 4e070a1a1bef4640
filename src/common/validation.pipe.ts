import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

/**
 * Validates request bodies strictly: no implicit type conversion (`"4"` is not a
 * number), unknown properties stripped, and failures reported as `{ errors }`.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
