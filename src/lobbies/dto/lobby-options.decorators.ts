import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, ValidateBy } from 'class-validator';
import {
  LOBBY_DATA_KEY_PATTERN,
  LOBBY_DATA_MAX_ENTRIES,
  LOBBY_DATA_MAX_STRING_LENGTH,
  LOBBY_PASSWORD_MAX_LENGTH,
  lobbyDataProblem,
} from '../lobby-data.js';

/**
 * An optional lobby password: 1 to 64 characters of any kind. Its messages never quote
 * the value sent.
 */
export const IsOptionalLobbyPassword = (description: string) =>
  applyDecorators(
    ApiPropertyOptional({
      description,
      minLength: 1,
      maxLength: LOBBY_PASSWORD_MAX_LENGTH,
      example: 'hunter2',
    }),
    IsOptional(),
    IsString({ message: 'password must be a string.' }),
    Length(1, LOBBY_PASSWORD_MAX_LENGTH, {
      message: `password must be 1 to ${LOBBY_PASSWORD_MAX_LENGTH} characters.`,
    }),
  );

/** Optional lobby data (see lobby-data.ts): its message names the first rule broken. */
export const IsOptionalLobbyData = () =>
  applyDecorators(
    ApiPropertyOptional({
      type: 'object',
      description:
        `What GET /lobbies shows of the lobby and filters on: at most ${LOBBY_DATA_MAX_ENTRIES} entries, ` +
        `each key 1 to 32 of A-Z a-z 0-9 _ - (${LOBBY_DATA_KEY_PATTERN.source}), each value a string ` +
        `of at most ${LOBBY_DATA_MAX_STRING_LENGTH} characters or a finite number. No nesting, booleans or null.`,
      maxProperties: LOBBY_DATA_MAX_ENTRIES,
      additionalProperties: {
        oneOf: [{ type: 'string', maxLength: LOBBY_DATA_MAX_STRING_LENGTH }, { type: 'number' }],
      },
      example: { version: '1.4.2', mode: 'ctf', map: 'harbor', players: 4 },
    }),
    IsOptional(),
    ValidateBy({
      name: 'isLobbyData',
      validator: {
        validate: (value: unknown) => lobbyDataProblem(value) === undefined,
        defaultMessage: (args) => lobbyDataProblem(args?.value) ?? 'data is invalid.',
      },
    }),
  );
