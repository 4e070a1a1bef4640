import type { JoinLobbyRequest } from '@orion/protocol';
import { IsClientToken, IsDisplayName } from '../../common/validation-rules.js';
import { IsOptionalLobbyPassword } from './lobby-options.decorators.js';

export class JoinLobbyDto implements JoinLobbyRequest {
  @IsClientToken()
  token: string;

  @IsDisplayName(
    'peerName',
    "Your name within the lobby. It must differ from every member's name (the host's included) by more than letter case or spacing; it is shown as sent.",
    'Bob',
  )
  peerName: string;

  @IsOptionalLobbyPassword(
    "The lobby's password, if it has one (hasPassword in GET /lobbies). Ignored by a lobby without one.",
  )
  password?: string | null;
}
