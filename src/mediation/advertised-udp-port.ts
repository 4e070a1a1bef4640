/**
 * The UDP port `ptpMediation_send` tells members to send their datagram to, injected by
 * {@link ADVERTISED_UDP_PORT}. The UDP edge, which owns the socket, provides it: mediation
 * never learns how the port is found (`--udpAdvertisedPort`, or the port the socket bound).
 */
export interface AdvertisedUdpPort {
  /** Read at every send: the socket binds only once the services are built. */
  readonly advertisedPort: number;
}

export const ADVERTISED_UDP_PORT = Symbol('ADVERTISED_UDP_PORT');
