import type { ClientMessages } from '@orion/protocol';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsClientToken } from '../../common/validation-rules.js';

type ClientResume = ClientMessages['client_resume'];

/**
 * Payload of `client_resume` (opt-in reconnection): the token of the client to take over,
 * the one its dropped socket was given, not this socket's own.
 */
export class ClientResumeDto implements ClientResume {
  @IsClientToken()
  token: string;

  /** How many chat messages the client has received in all; without it, chat sent while away. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  chatReceived?: number;
}
