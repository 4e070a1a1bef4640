import { BadRequestException } from '@nestjs/common';
import type { ClassConstructor } from 'class-transformer';
import { describe, expect, it } from 'vitest';
import { validatePayload } from '../validate-payload.js';
import { createValidationPipe } from '../validation.pipe.js';

/** Runs the same DTO cases through both validation paths; for unit specs, not the build. */

export type Outcome = { accepted: true; value: object } | { accepted: false };

interface Validator {
  name: string;
  check(dto: ClassConstructor<object>, body: unknown): Promise<Outcome>;
}

/** The WebSocket/UDP path: `validatePayload` returns the instance or undefined. */
const payloadValidator: Validator = {
  name: 'validatePayload',
  async check(dto, body) {
    const value = validatePayload(dto, body);
    return value === undefined ? { accepted: false } : { accepted: true, value };
  },
};

/** The HTTP path: the global pipe returns the instance or throws 400 `{ errors: string[] }`. */
const pipeValidator: Validator = {
  name: 'the HTTP validation pipe',
  async check(dto, body) {
    try {
      const value = (await createValidationPipe().transform(body, {
        type: 'body',
        metatype: dto,
      })) as object;
      return { accepted: true, value };
    } catch (error) {
      expect(error).toBeInstanceOf(BadRequestException);
      const response = (error as BadRequestException).getResponse() as { errors: unknown };
      expect(Object.keys(response)).toEqual(['errors']);
      expect(Array.isArray(response.errors)).toBe(true);
      expect((response.errors as unknown[]).length).toBeGreaterThan(0);
      for (const message of response.errors as unknown[]) expect(typeof message).toBe('string');
      return { accepted: false };
    }
  },
};

export interface Case {
  label: string;
  value: unknown;
  verdict: 'accepted' | 'rejected';
}
export const accepted = (label: string, value: unknown): Case => ({
  label,
  value,
  verdict: 'accepted',
});
export const rejected = (label: string, value: unknown): Case => ({
  label,
  value,
  verdict: 'rejected',
});

export const TOKEN = 'a-client-token';

export const TOKEN_CASES: Case[] = [
  accepted('256 characters', 't'.repeat(256)),
  rejected('257 characters', 't'.repeat(257)),
  rejected('no characters', ''),
  rejected('a number instead of a string', 12345),
  rejected('null instead of a string', null),
];

/** Checks that `body` gets `verdict` from the validator; returns what it produced. */
export type ExpectOutcome = (
  dto: ClassConstructor<object>,
  body: unknown,
  verdict: Case['verdict'],
) => Promise<Outcome>;

/** Declares `cases` once per validation path (WebSocket/UDP payloads, HTTP bodies). */
export function describeWithEachValidator(cases: (expectOutcome: ExpectOutcome) => void): void {
  for (const validator of [payloadValidator, pipeValidator]) {
    describe(`DTO validation with ${validator.name}`, () => {
      cases(async (dto, body, verdict) => {
        const outcome = await validator.check(dto, body);
        expect(outcome.accepted).toBe(verdict === 'accepted');
        return outcome;
      });
    });
  }
}

/** The cases every DTO made of a token alone must pass. */
export function describeTokenOnlyDto(
  name: string,
  dto: ClassConstructor<object>,
  expectOutcome: ExpectOutcome,
): void {
  describe(name, () => {
    for (const { label, value, verdict } of TOKEN_CASES) {
      it(`a token of ${label} is ${verdict}`, async () => {
        await expectOutcome(dto, { token: value }, verdict);
      });
    }

    it('rejects a body without a token', async () => {
      await expectOutcome(dto, {}, 'rejected');
    });

    it('strips extra properties instead of rejecting the body', async () => {
      const outcome = await expectOutcome(dto, { token: TOKEN, lobbyId: 'K3X9Q' }, 'accepted');
      expect(outcome.accepted && outcome.value).toEqual({ token: TOKEN });
    });
  });
}
