import { payloadMatch, type CounterRule } from './counters.js';

/**
 * What reaches the server's namespace over UDP. Orion must see only the ptpMediation_connect
 * datagrams on its port: no punch frame and no game datagram may ever pass through it.
 */
export function serverCounters(orionUdpPort: number, withPayloadMatch: boolean): CounterRule[] {
  const udp = (name: string, ...match: string[]): CounterRule => ({
    name,
    chain: 'INPUT',
    match: ['-p', 'udp', ...match],
  });
  return [
    udp('orion-udp', '--dport', String(orionUdpPort)),
    udp('other-udp', '!', '--dport', String(orionUdpPort)),
    ...(withPayloadMatch
      ? [
          udp('connect', ...payloadMatch('ptpMediation_connect:')),
          udp('game', ...payloadMatch('game:')),
          udp('punch', ...payloadMatch('orionPunch_')),
        ]
      : []),
  ];
}
