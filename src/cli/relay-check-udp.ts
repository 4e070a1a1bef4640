import type { RemoteInfo, Socket } from 'node:dgram';
import { BlockList, isIPv6 } from 'node:net';
import { normalizeSourceAddress } from '@orion/protocol';
import { isPunchDatagram, sendQuietly } from '@orion/sdk';

export interface Datagram {
  data: Buffer;
  address: string;
  port: number;
}

export interface Endpoint {
  ip: string;
  port: number;
}

/** Datagrams are repeated at this pace until one arrives, as a client repeats a bind. */
const RESEND_EVERY_MS = 250;

/**
 * Sends `data` from `from` to `to`, at once and then every `everyMs`, until `receiver` gets a
 * datagram that is not a late hello or bind answer (the SDK's own traffic); undefined if
 * none came within `waitMs`.
 */
export function passDatagram(options: {
  from: Socket;
  to: Endpoint;
  receiver: Socket;
  data: Buffer;
  waitMs: number;
  everyMs?: number;
}): Promise<Datagram | undefined> {
  const { from, to, receiver, data, waitMs } = options;
  // Closed underneath us: the wait ends empty and says so.
  const send = () => sendQuietly(from, data, to.port, to.ip);
  return new Promise((resolve) => {
    const finish = (datagram: Datagram | undefined) => {
      clearTimeout(timer);
      clearInterval(repeat);
      receiver.off('message', onMessage);
      resolve(datagram);
    };
    const onMessage = (received: Buffer, remote: RemoteInfo) => {
      if (isPunchDatagram(received)) return;
      finish({ data: received, address: remote.address, port: remote.port });
    };
    receiver.on('message', onMessage);
    const timer = setTimeout(() => finish(undefined), waitMs);
    const repeat = setInterval(send, options.everyMs ?? RESEND_EVERY_MS);
    send();
  });
}

/** Did `datagram` come from `endpoint`? Addresses compare by value, not by spelling. */
export function cameFrom(datagram: Datagram, endpoint: Endpoint): boolean {
  return sameEndpoint({ ip: datagram.address, port: datagram.port }, endpoint);
}

export function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  if (a.port !== b.port) return false;
  const [ipA, ipB] = [normalizeSourceAddress(a.ip), normalizeSourceAddress(b.ip)];
  if (isIPv6(ipA) && isIPv6(ipB)) {
    const list = new BlockList();
    list.addAddress(ipB, 'ipv6');
    return list.check(ipA, 'ipv6');
  }
  return ipA === ipB;
}
