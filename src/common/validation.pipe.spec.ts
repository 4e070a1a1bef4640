import { BadRequestException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { MAX_NESTING_DEPTH } from '@orion/protocol';
import { createValidationPipe } from './validation.pipe.js';

function nested(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

describe('createValidationPipe: nesting', () => {
  const pipe = createValidationPipe();

  it.each(['body', 'query'] as const)(
    'refuses a %s nested past the bound with 400',
    async (type) => {
      const deep = { token: nested(MAX_NESTING_DEPTH + 5) };
      const refusal = await pipe.transform(deep, { type, metatype: Object }).catch((e) => e);
      expect(refusal).toBeInstanceOf(BadRequestException);
      expect((refusal as BadRequestException).getResponse()).toEqual({
        errors: [`The request is nested more than ${MAX_NESTING_DEPTH} levels deep.`],
      });
    },
  );

  it('leaves other arguments alone, such as the WebSocket a gateway handler receives', async () => {
    const socketLike = { a: nested(MAX_NESTING_DEPTH + 5) };
    await expect(pipe.transform(socketLike, { type: 'custom' })).resolves.toBe(socketLike);
  });
});
