import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { IsClientToken, IsDisplayName, IsWholeNumberBetween } from './validation-rules.js';

export const MAX_LOBBY_MEMBERS = 64;

export class CreateLobbyDto {
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
}
