import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DISPLAY_NAME_MAX_LENGTH, DISPLAY_NAME_PATTERN } from '@orion/protocol';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { IsClientToken, IsDisplayName } from '../../common/validation-rules.js';
import type { LobbyData } from '../lobby.js';
import { IsOptionalLobbyData } from './lobby-options.decorators.js';

/** The longest ban a kick may set: ten minutes. */
export const MAX_BAN_MS = 600_000;

/** `POST /lobbies/:lobbyId/kick`. */
export class KickMemberDto {
  @IsClientToken()
  token: string;

  @IsDisplayName(
    'peerName',
    'The name of the member to kick, matched as names are in a lobby (letter case and spacing aside).',
    'Bob',
  )
  peerName: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: MAX_BAN_MS,
    description:
      'For how long (ms) the kicked client may not rejoin this lobby. The ban is per connected client: a new connection is a new client.',
    example: 60_000,
  })
  @IsOptional()
  @IsInt({ message: 'banMs must be a whole number.' })
  @Min(0, { message: 'banMs must be at least 0.' })
  @Max(MAX_BAN_MS, { message: `banMs must be at most ${MAX_BAN_MS}.` })
  banMs?: number | null;
}

/** `PATCH /lobbies/:lobbyId`: at least one of the settings. */
export class UpdateLobbyDto {
  @IsClientToken()
  token: string;

  @ApiPropertyOptional({
    description: 'The new name shown in the lobby list.',
    pattern: DISPLAY_NAME_PATTERN.source,
    minLength: 1,
    maxLength: DISPLAY_NAME_MAX_LENGTH,
    example: 'Saturday Night',
  })
  @IsOptional()
  @IsString({ message: 'lobbyName must be a string.' })
  @Matches(DISPLAY_NAME_PATTERN, {
    message: `lobbyName must be 1 to ${DISPLAY_NAME_MAX_LENGTH} letters, digits, underscores or spaces, and cannot start with a space.`,
  })
  lobbyName?: string | null;

  @ApiPropertyOptional({ description: 'Whether GET /lobbies lists the lobby.' })
  @IsOptional()
  @IsBoolean({ message: 'isPublic must be true or false.' })
  isPublic?: boolean | null;

  /** Replaces the whole map; null or `{}` clears it. */
  @IsOptionalLobbyData()
  data?: LobbyData | null;
}

/** `POST /lobbies/quick-join`. */
export class QuickJoinDto {
  @IsClientToken()
  token: string;

  @IsDisplayName(
    'peerName',
    "Your name within the lobby. A lobby where a member's name is the same (letter case and spacing aside) is passed over.",
    'Bob',
  )
  peerName: string;
}

export class LeaveLobbyResponse {
  @ApiProperty({ example: 'K3Z9Q' })
  lobbyId: string;
}

export class KickMemberResponse {
  @ApiProperty({ example: 'K3Z9Q' })
  lobbyId: string;

  @ApiProperty({ description: 'The kicked member, as it was named in the lobby.', example: 'Bob' })
  peerName: string;
}

export class UpdateLobbyResponse {
  @ApiProperty({ example: 'K3Z9Q' })
  lobbyId: string;

  @ApiProperty({ example: 'Saturday Night' })
  lobbyName: string;

  @ApiProperty()
  isPublic: boolean;

  @ApiProperty({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] },
    description: 'The lobby data as it is now; `{}` when there is none.',
    example: { mode: 'ctf' },
  })
  data: Record<string, string | number>;
}
