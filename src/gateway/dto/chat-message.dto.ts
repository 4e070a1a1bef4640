import { IsString, Length } from 'class-validator';
import { IsClientToken } from '../../lobbies/dto/validation-rules.js';

export class ChatMessageDto {
  @IsClientToken()
  token: string;

  @IsString()
  @Length(1, 16)
  lobbyId: string;

  @IsString()
  @Length(1, 250)
  message: string;
}
