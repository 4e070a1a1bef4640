import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync } from 'class-validator';
import { isNestedTooDeeply } from '@orion/protocol';

/**
 * Validates an untrusted object against a DTO class, the same rules the HTTP pipe
 * applies. Returns the typed instance, or `undefined` when validation fails.
 */
export function validatePayload<T extends object>(
  dto: ClassConstructor<T>,
  payload: unknown,
): T | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  if (isNestedTooDeeply(payload)) return undefined;
  const instance = plainToInstance(dto, payload, { enableImplicitConversion: false });
  const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: true });
  return errors.length === 0 ? instance : undefined;
}
