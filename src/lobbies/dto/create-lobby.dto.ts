import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import { IsClientToken, IsDisplayName } from './validation-rules.js';

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

  @IsInt({ message: 'maxMembers must be a whole number.' })
  @Min(1, { message: 'maxMembers must be at least 1.' })
  @Max(MAX_LOBBY_MEMBERS, { message: `maxMembers must be at most ${MAX_LOBBY_MEMBERS}.` })
  maxMembers: number;
}
