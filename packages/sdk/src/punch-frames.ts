import { decodeFrame, encodeFrame } from '@orion/protocol';
import { isRelayBound } from './relay-frames.js';

/**
 * The one datagram clients exchange while hole punching, in Orion's own frame format:
 * `orionPunch_hello:base64({"name":"Bob","ack":false})`. `ack: true` is the answer.
 */
export const PUNCH_HELLO_METHOD = 'orionPunch_hello';

/** Every SDK-owned datagram method starts with this; games can skip such datagrams. */
const PUNCH_METHOD_PREFIX = 'orionPunch_';

export interface PunchHello {
  name: string;
  ack: boolean;
}

export function encodePunchHello(hello: PunchHello): Buffer {
  return Buffer.from(encodeFrame(PUNCH_HELLO_METHOD, hello), 'utf8');
}

/** The hello in `datagram`, or undefined for anything else (the game's own traffic). */
export function decodePunchHello(datagram: Buffer): PunchHello | undefined {
  if (!startsWithPunchPrefix(datagram)) return undefined;
  const frame = decodeFrame(datagram.toString('utf8'));
  if (frame?.method !== PUNCH_HELLO_METHOD) return undefined;
  const { name, ack } = frame.payload;
  if (typeof name !== 'string' || typeof ack !== 'boolean') return undefined;
  return { name, ack };
}

/**
 * True for datagrams of the mediation itself: the SDK's hellos and the relay's answers
 * to binds. A game that listens on the punched socket can use it to skip a late one
 * that arrives after the handover.
 */
export function isPunchDatagram(datagram: Buffer): boolean {
  if (isRelayBound(datagram)) return true;
  return startsWithPunchPrefix(datagram) && decodeFrame(datagram.toString('utf8')) !== undefined;
}

// A cheap byte check first, so that game traffic is never decoded as text.
function startsWithPunchPrefix(datagram: Buffer): boolean {
  return (
    datagram.length > PUNCH_METHOD_PREFIX.length &&
    datagram.toString('latin1', 0, PUNCH_METHOD_PREFIX.length) === PUNCH_METHOD_PREFIX
  );
}
