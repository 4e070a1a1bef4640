import { ORION_HTTP_PORT } from './lab-orion.js';
import { PeerPool, type PeerArgs, type PeerProcess } from './peer-process.js';
import type { NatKind } from './router-rules.js';
import { SERVER_WAN_IP, type Home, type NatLab } from './topology.js';

/** Every home's game socket binds this port: the same in each home, as with real games. */
export const LOCAL_PORT = 40_000;

/** One player of a lab party: its home network and the peer process running there. */
export interface Player {
  name: string;
  home: Home;
  peer: PeerProcess;
  exitCode: number | null;
}

export interface PartyTiming {
  punchTimeoutMs: number;
  relay?: 'fallback' | 'always' | 'off';
  relayAfterMs?: number;
  abortWaitMs: number;
  runTimeoutMs: number;
  datagrams: number;
}

/**
 * Plays one lobby through the lab: a home per NAT kind (the first hosts, the others join in
 * that order), the host starting the mediation once everyone is in, and every peer running to its
 * own end. Returns once all have exited; a peer that outlives its run timeout fails the test.
 */
export async function playParty(
  lab: NatLab,
  pool: PeerPool,
  kinds: NatKind[],
  timing: PartyTiming,
  withPayloadCounters: boolean,
): Promise<{ host: Player; members: Player[] }> {
  const homes: Home[] = [];
  for (const kind of kinds) homes.push(await lab.addHome(kind, LOCAL_PORT, withPayloadCounters));
  const base = {
    url: `http://${SERVER_WAN_IP}:${ORION_HTTP_PORT}`,
    localPort: LOCAL_PORT,
    ...timing,
  };
  const start = (home: Home, args: Pick<PeerArgs, 'name' | 'role' | 'lobbyId' | 'members'>) => ({
    name: args.name,
    home,
    peer: pool.start(home.homeNs, { ...base, ...args }),
  });

  const [hostHome, ...memberHomes] = homes;
  const host = start(hostHome, { name: 'host', role: 'host', members: memberHomes.length });
  const { lobbyId } = (await host.peer.waitFor('hosted', 10_000)) as unknown as { lobbyId: string };
  // One after the other, so the join order (which orders the host's peers list) is known.
  const members = [];
  for (const [i, home] of memberHomes.entries()) {
    const member = start(home, { name: `m${i + 1}`, role: 'member', lobbyId });
    await member.peer.waitFor('joined', 10_000);
    members.push(member);
  }
  const everyone = [host, ...members];
  // The peers bound themselves with runTimeoutMs; the extra second only covers process exit.
  const codes = await Promise.all(everyone.map((p) => p.peer.exit(timing.runTimeoutMs + 1_000)));
  const [hostPlayer, ...memberPlayers] = everyone.map((p, i) => ({ ...p, exitCode: codes[i] }));
  return { host: hostPlayer, members: memberPlayers };
}
