import { TokenOnlyDto } from '../lobbies/dto/token-only.dto.js';
import { ChatMessageDto } from './dto/chat-message.dto.js';

/** Every WebSocket message a client may send, by method name, with the DTO that validates it. */
export const CLIENT_MESSAGE_DTOS = {
  lobby_messaging_send: ChatMessageDto,
  ptpMediation_peersConnection_success: TokenOnlyDto,
} as const;

export type ClientMethod = keyof typeof CLIENT_MESSAGE_DTOS;
