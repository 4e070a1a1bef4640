import { IsClientToken } from '../../common/validation-rules.js';

/** A body that carries nothing but the caller's token. */
export class TokenOnlyDto {
  @IsClientToken()
  token: string;
}
