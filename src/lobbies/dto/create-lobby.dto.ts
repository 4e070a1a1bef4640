import { IsBoolean } from 'class-validator';
import { IsClientToken, IsDisplayName, IsWholeNumberBetween } from './validation-rules.js';

export const MAX_LOBBY_MEMBERS = 64;

export class CreateLobbyDto {
  @IsClientToken()
  token: string;

  @IsDisplayName('hostName')
  hostName: string;

  @IsDisplayName('lobbyName')
  lobbyName: string;

  @IsBoolean({ message: 'isPublic must be true or false.' })
  isPublic: boolean;

  @IsWholeNumberBetween('maxMembers', 1, MAX_LOBBY_MEMBERS)
  maxMembers: number;
}
