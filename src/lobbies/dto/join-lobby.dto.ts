import { IsClientToken, IsDisplayName } from './validation-rules.js';

export class JoinLobbyDto {
  @IsClientToken()
  token: string;

  @IsDisplayName('peerName')
  peerName: string;
}
