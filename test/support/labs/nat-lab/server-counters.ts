import { payloadMatch, type CounterRule } from './counters.js';

/**
 * What reaches the server's namespace over UDP: on Orion's port only ptpMediation_connect
 * datagrams; on the relay's ports only the traffic of pairs that could not punch (binds,
 * hellos and game datagrams); nowhere else anything.
 */
export function serverCounters(
  orionUdpPort: number,
  relayPorts: { first: number; last: number },
  withPayloadMatch: boolean,
): CounterRule[] {
  const udp = (name: string, ...match: string[]): CounterRule => ({
    name,
    chain: 'INPUT',
    match: ['-p', 'udp', ...match],
  });
  const relayRange = `${relayPorts.first}:${relayPorts.last}`;
  return [
    udp('orion-udp', '--dport', String(orionUdpPort)),
    udp('relay-udp', '--dport', relayRange),
    udp('other-udp', '-m', 'multiport', '!', '--dports', `${orionUdpPort},${relayRange}`),
    ...(withPayloadMatch
      ? [
          udp('connect', ...payloadMatch('ptpMediation_connect:')),
          udp('game', ...payloadMatch('game:')),
          udp('punch', ...payloadMatch('orionPunch_')),
          udp('relay-bind', ...payloadMatch('ptpMediation_relay_bind:')),
          // The first member's game traffic, either way: none when it punched its pair.
          udp('game-from-m1', ...payloadMatch('game:m1->')),
          udp('game-to-m1', ...payloadMatch('->m1:')),
        ]
      : []),
  ];
}
