import { ApiProperty } from '@nestjs/swagger';
import { MAX_LOBBY_MEMBERS, type CreateLobbyRequest } from '@orion/protocol';
import { IsBoolean } from 'class-validator';
import {
  IsClientToken,
  IsDisplayName,
  IsWholeNumberBetween,
} from '../../common/validation-rules.js';

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
}
