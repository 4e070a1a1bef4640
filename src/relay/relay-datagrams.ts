import { decodeFrame, encodeFrame, RELAY_BIND_METHOD, RELAY_BOUND_METHOD } from '@orion/protocol';
import { validatePayload } from '../common/validate-payload.js';
import { TokenOnlyDto } from '../lobbies/dto/token-only.dto.js';

const BIND_PREFIX = Buffer.from(`${RELAY_BIND_METHOD}:`, 'latin1');

/** The answer to a bind: shorter than any bind, so the relay never amplifies. */
export const BOUND_DATAGRAM = Buffer.from(encodeFrame(RELAY_BOUND_METHOD, {}), 'utf8');

/** True when `datagram` starts like a bind; a cheap byte check, so game traffic is not decoded. */
export function looksLikeBind(datagram: Buffer): boolean {
  return (
    datagram.length > BIND_PREFIX.length &&
    datagram.compare(BIND_PREFIX, 0, BIND_PREFIX.length, 0, BIND_PREFIX.length) === 0
  );
}

/** The token of a well-formed bind, or undefined. */
export function tokenOfBind(datagram: Buffer): string | undefined {
  const frame = decodeFrame(datagram.toString('utf8'));
  if (frame?.method !== RELAY_BIND_METHOD) return undefined;
  // The token rules every other payload is held to (IsClientToken).
  return validatePayload(TokenOnlyDto, frame.payload)?.token;
}
