import { Logger } from '@nestjs/common';
import { createSocket } from 'node:dgram';

/**
 * The address the HTTP/WebSocket server, the UDP socket and the metrics server bind to:
 * `--host` exactly as given, or, without it, the dual-stack default (see
 * {@link resolveBindHost}). Inject this rather than reading `OrionConfig.host`.
 */
export class BindHost {
  constructor(readonly address: string) {}
}

/** Binds to every address of both families: Node takes IPv4 on it too (not ipv6Only). */
export const DUAL_STACK_HOST = '::';
/** Every IPv4 address: the fallback where the machine has no IPv6. */
export const IPV4_ONLY_HOST = '0.0.0.0';

/** Errors that mean "no IPv6 on this machine", as opposed to a real failure. */
const NO_IPV6 = new Set(['EAFNOSUPPORT', 'EADDRNOTAVAIL', 'EPROTONOSUPPORT']);

/** Binds a throwaway dual-stack socket: undefined if it worked, else the error's code. */
export type DualStackProbe = () => Promise<string | undefined>;

/**
 * `configured` when set. Otherwise `::`, so that players on IPv6-only networks reach the
 * server as well as IPv4 ones (their addresses arrive as `::ffff:a.b.c.d` and are reported
 * plain, see source-address.ts); or `0.0.0.0` when this machine has no IPv6.
 */
export async function resolveBindHost(
  configured: string | undefined,
  probe: DualStackProbe = probeDualStack,
  logger: Pick<Logger, 'debug' | 'warn'> = new Logger(BindHost.name),
): Promise<BindHost> {
  if (configured !== undefined) return new BindHost(configured);
  const failure = await probe();
  if (failure === undefined) {
    logger.debug(`No --host given: binding to ${DUAL_STACK_HOST}, for IPv6 and IPv4`);
    return new BindHost(DUAL_STACK_HOST);
  }
  logger.warn(
    `No --host given and no IPv6 on this machine (${failure}): binding to ${IPV4_ONLY_HOST}, IPv4 only`,
  );
  return new BindHost(IPV4_ONLY_HOST);
}

/** A UDP socket stands for all three listeners: any socket of the family fails the same way. */
export function probeDualStack(): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: 'udp6', ipv6Only: false });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.close();
      if (error.code !== undefined && NO_IPV6.has(error.code)) resolve(error.code);
      else reject(error);
    });
    socket.bind(0, DUAL_STACK_HOST, () => socket.close(() => resolve(undefined)));
  });
}
