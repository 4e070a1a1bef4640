import { TOKEN_MAX_LENGTH } from '@orion/protocol';
import { validatePayload } from '../common/validate-payload.js';
import { UdpConnectDto } from './dto/udp-connect.dto.js';

/**
 * The `ptpMediation_connect` payload as {@link UdpConnectDto} accepts it, or undefined.
 *
 * Every datagram of a mediation goes through here, most of them repeats, and class-validator
 * cost a third of the CPU of one. So the usual shape, a token of 1 to TOKEN_MAX_LENGTH UTF-16
 * units, is accepted by hand: the DTO accepts every such token, as its spec proves. Anything
 * else still goes to the DTO, whose rules (a token longer in UTF-16 units than in characters,
 * for one) stay the only judge.
 */
export function connectPayloadOf(payload: unknown): UdpConnectDto | undefined {
  const token = (payload as { token?: unknown } | null)?.token;
  if (
    typeof payload === 'object' &&
    !Array.isArray(payload) &&
    typeof token === 'string' &&
    token.length > 0 &&
    token.length <= TOKEN_MAX_LENGTH
  ) {
    // As whitelisting does: the payload's other properties are left behind.
    return Object.assign(new UdpConnectDto(), { token });
  }
  return validatePayload(UdpConnectDto, payload);
}
