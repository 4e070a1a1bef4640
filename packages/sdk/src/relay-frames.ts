import { encodeFrame, RELAY_BIND_METHOD, RELAY_BOUND_METHOD } from '@orion/protocol';

const BOUND_PREFIX = `${RELAY_BOUND_METHOD}:`;

/** `ptpMediation_relay_bind`, which claims this client's side of a relayed pair. */
export function encodeRelayBind(token: string): Buffer {
  return Buffer.from(encodeFrame(RELAY_BIND_METHOD, { token }), 'utf8');
}

/** True for the relay's answer to a bind; its payload carries nothing the SDK needs. */
export function isRelayBound(datagram: Buffer): boolean {
  return (
    datagram.length > BOUND_PREFIX.length &&
    datagram.toString('latin1', 0, BOUND_PREFIX.length) === BOUND_PREFIX
  );
}
