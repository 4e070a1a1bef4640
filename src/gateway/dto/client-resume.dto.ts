import type { ClientMessages } from '@orion/protocol';
import { IsClientToken } from '../../common/validation-rules.js';

type ClientResume = ClientMessages['client_resume'];

/**
 * Payload of `client_resume` (opt-in reconnection): the token of the client to take over,
 * the one its dropped socket was given, not this socket's own.
 */
export class ClientResumeDto implements ClientResume {
  @IsClientToken()
  token: string;
}
