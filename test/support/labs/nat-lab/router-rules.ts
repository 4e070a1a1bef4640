import { payloadMatch, type CounterRule } from './counters.js';

/**
 * The two NAT behaviours the lab builds on a home router.
 * - cone: endpoint-independent mapping. The game socket's local port is rewritten to one fixed
 *   public port whatever the destination, so the endpoint Orion sees is the one peers can use.
 * - symmetric: every new destination gets a fresh random public port (`--random-fully`), so the
 *   endpoint Orion sees is useless to the peers and hole punching must fail.
 */
export type NatKind = 'cone' | 'symmetric';

export interface RouterPlan {
  kind: NatKind;
  homeIp: string;
  wanIp: string;
  /** The home's game socket port (cone only: the port the SNAT rule rewrites). */
  localPort: number;
  /** The public port that local port becomes (cone only). */
  publicPort: number;
}

export const WAN_IF = 'wan0';
export const LAN_IF = 'lan0';

/** An iptables command line as its arguments (none of the values holds a space). */
const rule = (line: string) => line.split(' ');

/** iptables argument lists for the router's NAT and firewall, in the order they are added. */
export function routerRules(plan: RouterPlan): string[][] {
  const toWan = `-t nat -A POSTROUTING -o ${WAN_IF}`;
  const nat =
    plan.kind === 'cone'
      ? [
          rule(
            `${toWan} -p udp -s ${plan.homeIp} --sport ${plan.localPort} ` +
              `-j SNAT --to-source ${plan.wanIp}:${plan.publicPort}`,
          ),
          // Everything else (the WebSocket and HTTP over TCP) leaves through an ordinary NAT.
          rule(`${toWan} -j MASQUERADE`),
        ]
      : [rule(`${toWan} -j MASQUERADE --random-fully`)];
  return [
    ...nat,
    // A stateful firewall: out freely, in only as a reply to something sent out. The router
    // forwards between its own LAN and the WAN only, never from one WAN host to another.
    rule('-P FORWARD DROP'),
    rule(`-A FORWARD -i ${LAN_IF} -o ${WAN_IF} -j ACCEPT`),
    rule(
      `-A FORWARD -i ${WAN_IF} -o ${LAN_IF} -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`,
    ),
    // Unsolicited datagrams to the router itself (a peer's hello that beat our own first hello
    // out) are dropped here, before conntrack confirms an entry for them. A confirmed entry would
    // hold the reply tuple our own outgoing hello needs, and the kernel would then drop that
    // hello as a clash for as long as the peer keeps sending: punching would never succeed.
    rule(`-A INPUT -i ${WAN_IF} -p udp -j DROP -m comment --comment unsolicited-udp-dropped`),
  ];
}

/** What the router counts: punch frames and game datagrams crossing it in each direction. */
export function routerCounters(withPayloadMatch: boolean): CounterRule[] {
  if (!withPayloadMatch) return [];
  const crossing = (name: string, inIf: string, outIf: string, text: string): CounterRule => ({
    name,
    chain: 'FORWARD',
    match: ['-i', inIf, '-o', outIf, '-p', 'udp', ...payloadMatch(text)],
  });
  return [
    crossing('punch-out', LAN_IF, WAN_IF, 'orionPunch_'),
    crossing('punch-in', WAN_IF, LAN_IF, 'orionPunch_'),
    crossing('game-out', LAN_IF, WAN_IF, 'game:'),
    crossing('game-in', WAN_IF, LAN_IF, 'game:'),
  ];
}
