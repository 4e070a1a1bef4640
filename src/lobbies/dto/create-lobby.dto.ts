import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_LOBBY_MEMBERS, type CreateLobbyRequest } from '@orion/protocol';
import { IsBoolean, IsOptional } from 'class-validator';
import {
  IsClientToken,
  IsDisplayName,
  IsWholeNumberBetween,
} from '../../common/validation-rules.js';
import type { LobbyData } from '../lobby.js';
import { IsOptionalLobbyData, IsOptionalLobbyPassword } from './lobby-options.decorators.js';

export class CreateLobbyDto implements CreateLobbyRequest {
  @IsClientToken()
  token: string;

  @IsDisplayName('hostName', "The host's name within the lobby.", 'Alice')
  hostName: string;

  @IsDisplayName('lobbyName', 'The name shown in the lobby list.', 'Friday Night')
  lobbyName: string;

  @ApiProperty({ description: 'Whether GET /lobbies lists the lobby.' })
  @IsBoolean({ message: 'isPublic must be true or false.' })
  isPublic: boolean;

  @IsWholeNumberBetween('maxMembers', 1, MAX_LOBBY_MEMBERS)
  maxMembers: number;

  @IsOptionalLobbyPassword(
    'Joining then needs it. Stored only as a salted hash: never shown, listed or logged. Omit it (or send null) for a lobby anyone with the code may join.',
  )
  password?: string | null;

  @IsOptionalLobbyData()
  data?: LobbyData | null;

  @ApiPropertyOptional({
    description:
      'Host hand-over: when the host leaves (or disconnects) while no mediation runs, the member present longest becomes host (lobby_hostChanged) instead of the lobby closing. False unless given.',
    default: false,
  })
  @IsOptional()
  @IsBoolean({ message: 'hostMigration must be true or false.' })
  hostMigration?: boolean | null;
}
