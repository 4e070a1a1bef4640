import { CHAT_MESSAGE_MAX_LENGTH, LOBBY_ID_MAX_LENGTH } from '@orion/protocol';
import { IsString, Length } from 'class-validator';
import { IsClientToken } from '../../common/validation-rules.js';

export class ChatMessageDto {
  @IsClientToken()
  token: string;

  @IsString()
  @Length(1, LOBBY_ID_MAX_LENGTH)
  lobbyId: string;

  @IsString()
  @Length(1, CHAT_MESSAGE_MAX_LENGTH)
  message: string;
}
