import type { ClientMessages, ClientMethod } from '@orion/protocol';
import { TokenOnlyDto } from '../lobbies/dto/token-only.dto.js';
import { ChatMessageDto } from './dto/chat-message.dto.js';
import { ClientResumeDto } from './dto/client-resume.dto.js';
import { RelayRequestDto } from './dto/relay-request.dto.js';

/**
 * Every WebSocket message a client may send, by method name, with the DTO that validates it.
 * Typed against the protocol package, so a message added there needs a DTO here, and a DTO
 * must produce the payload the protocol declares.
 */
export const CLIENT_MESSAGE_DTOS: {
  readonly [M in ClientMethod]: new () => ClientMessages[M];
} = {
  lobby_messaging_send: ChatMessageDto,
  ptpMediation_peersConnection_success: TokenOnlyDto,
  ptpMediation_relay_request: RelayRequestDto,
  client_resume: ClientResumeDto,
};
