import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { DISPLAY_NAME_MAX_LENGTH, DISPLAY_NAME_PATTERN, TOKEN_MAX_LENGTH } from '@orion/protocol';
import { IsInt, IsNotEmpty, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export const IsDisplayName = (field: string, description: string, example: string) =>
  applyDecorators(
    ApiProperty({
      description,
      pattern: DISPLAY_NAME_PATTERN.source,
      minLength: 1,
      maxLength: DISPLAY_NAME_MAX_LENGTH,
      example,
    }),
    IsString({ message: `${field} must be a string.` }),
    Matches(DISPLAY_NAME_PATTERN, {
      message: `${field} must be 1 to ${DISPLAY_NAME_MAX_LENGTH} letters, digits, underscores or spaces, and cannot start with a space.`,
    }),
  );

export const IsClientToken = () =>
  applyDecorators(
    ApiProperty({
      description: 'The secret token from client_registered.',
      minLength: 1,
      maxLength: TOKEN_MAX_LENGTH,
    }),
    IsString({ message: 'token must be a string.' }),
    IsNotEmpty({ message: 'token must not be empty.' }),
    MaxLength(TOKEN_MAX_LENGTH, { message: 'token is too long.' }),
  );

/** Applied in this order so that, stopping at the first error, a wrong type is named as such. */
export const IsWholeNumberBetween = (field: string, min: number, max: number) =>
  applyDecorators(
    ApiProperty({ type: 'integer', minimum: min, maximum: max }),
    IsInt({ message: `${field} must be a whole number.` }),
    Min(min, { message: `${field} must be at least ${min}.` }),
    Max(max, { message: `${field} must be at most ${max}.` }),
  );
