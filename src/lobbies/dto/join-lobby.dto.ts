import { IsClientToken, IsDisplayName } from './validation-rules.js';

export class JoinLobbyDto {
  @IsClientToken()
  token: string;

  @IsDisplayName('peerName', 'Your name within the lobby; unique among its members.')
  peerName: string;
}
