import { installCounters, readCounters, type Counts } from './counters.js';
import { deleteLabNamespace, labNamespaces, labPrefix } from './lab-names.js';
import { LAN_IF, routerCounters, routerRules, WAN_IF, type NatKind } from './router-rules.js';
import { iptablesIn, run, runIn } from './shell.js';

/** An `ip` command line (none of the values holds a space). */
const ip = (line: string) => run('ip', line.split(' '));

/**
 * The lab's addresses. Both ranges are reserved for documentation and benchmarking (RFC 5737,
 * RFC 2544), so they can never be mistaken for a real network; they exist only inside the
 * namespaces this lab creates.
 */
const WAN_PREFIX = '198.51.100';
export const SERVER_WAN_IP = `${WAN_PREFIX}.2`;
const routerWanIp = (index: number) => `${WAN_PREFIX}.${10 + index}`;
const lanPrefix = (index: number) => `198.18.${index}`;

/** One home: a LAN with a single host behind its own NAT router on the WAN. */
export interface Home {
  index: number;
  kind: NatKind;
  homeNs: string;
  routerNs: string;
  homeIp: string;
  routerWanIp: string;
  /** The UDP port the home's game socket binds. */
  localPort: number;
  /** Cone only: the public port the router maps localPort to, for every destination. */
  publicPort: number | undefined;
}

/**
 * The lab: a "wan" namespace whose bridge is the public internet, a "server" namespace on it
 * for Orion, and homes added per test. Every interface is created inside a lab namespace (none in
 * the host's), so deleting the namespaces removes the whole lab.
 *
 *                 server ns: Orion on 198.51.100.2 (HTTP/WS 5980, UDP 5990)
 *                        | eth0
 *   wan ns: bridge br0 (198.51.100.0/24) --- srv, r1, r2, ... (bridge ports)
 *          | r1                                  | r2
 *   router ns r1: wan0 198.51.100.11      router ns r2: wan0 198.51.100.12     ...
 *     NAT + stateful firewall               NAT + stateful firewall
 *          | lan0 198.18.1.1                     | lan0 198.18.2.1
 *   home ns h1: eth0 198.18.1.2           home ns h2: eth0 198.18.2.2
 *     peer.mjs, UDP socket on :40000        peer.mjs, UDP socket on :40000
 *
 * A home reaches another home only through both routers and the bridge: no router has a route
 * to any LAN but its own.
 */
export class NatLab {
  readonly wanNs: string;
  readonly serverNs: string;
  private readonly homes: Home[] = [];
  private nextIndex = 1;

  private constructor(readonly prefix: string) {
    this.wanNs = `${prefix}wan`;
    this.serverNs = `${prefix}srv`;
  }

  /** Builds the WAN bridge and the server namespace. */
  static async create(prefix = labPrefix()): Promise<NatLab> {
    const lab = new NatLab(prefix);
    try {
      await lab.addNamespace(lab.wanNs);
      await ip(`-n ${lab.wanNs} link add br0 type bridge`);
      await ip(`-n ${lab.wanNs} link set br0 up`);
      await lab.addNamespace(lab.serverNs);
      await lab.plugIntoWan(lab.serverNs, 'eth0', 'srv', SERVER_WAN_IP);
    } catch (error) {
      await lab.destroy();
      throw error;
    }
    return lab;
  }

  /** Adds a home behind a router with the given NAT; `localPort` is its game socket's port. */
  async addHome(kind: NatKind, localPort: number, withPayloadCounters: boolean): Promise<Home> {
    const index = this.nextIndex++;
    const home: Home = {
      index,
      kind,
      homeNs: `${this.prefix}h${index}`,
      routerNs: `${this.prefix}r${index}`,
      homeIp: `${lanPrefix(index)}.2`,
      routerWanIp: routerWanIp(index),
      localPort,
      // A fixed port unlike the local one, so a test can see that the NAT rewrote it.
      publicPort: kind === 'cone' ? 20_000 + index : undefined,
    };
    this.homes.push(home);
    const { homeNs, routerNs } = home;
    await this.addNamespace(routerNs);
    await this.addNamespace(homeNs);
    await this.plugIntoWan(routerNs, WAN_IF, `r${index}`, home.routerWanIp);
    await ip(`-n ${routerNs} link add ${LAN_IF} type veth peer name eth0 netns ${homeNs}`);
    await this.configure(routerNs, LAN_IF, `${lanPrefix(index)}.1`);
    await this.configure(homeNs, 'eth0', home.homeIp);
    await ip(`-n ${homeNs} route add default via ${lanPrefix(index)}.1`);
    // Written through /proc (the namespace's own view) so that procps' sysctl is not needed.
    await runIn(routerNs, 'sh', ['-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward']);
    const plan = {
      kind,
      homeIp: home.homeIp,
      wanIp: home.routerWanIp,
      localPort,
      publicPort: home.publicPort ?? 0,
    };
    for (const rule of routerRules(plan)) await iptablesIn(routerNs, rule);
    await installCounters(routerNs, routerCounters(withPayloadCounters));
    return home;
  }

  /** The router's counters: punch and game datagrams each way, unsolicited UDP dropped. */
  routerCounts(home: Home): Promise<Counts> {
    return readCounters(home.routerNs);
  }

  /** Deletes the homes added so far (their routers leave the WAN bridge with them). */
  async removeHomes(): Promise<void> {
    const homes = this.homes.splice(0);
    for (const home of homes) {
      await deleteLabNamespace(home.homeNs);
      await deleteLabNamespace(home.routerNs);
    }
  }

  /** Deletes every namespace with this lab's prefix, whether or not it was fully built. */
  async destroy(): Promise<void> {
    this.homes.length = 0;
    for (const ns of await labNamespaces(this.prefix)) await deleteLabNamespace(ns);
  }

  private async addNamespace(ns: string): Promise<void> {
    await ip(`netns add ${ns}`);
    await ip(`-n ${ns} link set lo up`);
  }

  /** A veth from `ns` (named `inside`) to a port of the WAN bridge (named `bridgePort`). */
  private async plugIntoWan(ns: string, inside: string, bridgePort: string, address: string) {
    await ip(`-n ${ns} link add ${inside} type veth peer name ${bridgePort} netns ${this.wanNs}`);
    await ip(`-n ${this.wanNs} link set ${bridgePort} master br0`);
    await ip(`-n ${this.wanNs} link set ${bridgePort} up`);
    await this.configure(ns, inside, address);
  }

  private async configure(ns: string, device: string, address: string): Promise<void> {
    await ip(`-n ${ns} addr add ${address}/24 dev ${device}`);
    await ip(`-n ${ns} link set ${device} up`);
  }
}
