import type { UnityBuild } from '../../unity/unity-driver.js';
import { CsPeerProcess } from './cs-peer-process.js';
import { LOCAL_PORT, type PartyTiming, type Player } from './lab-party.js';
import { ORION_HTTP_PORT } from './lab-orion.js';
import type { PeerPool } from './peer-process.js';
import type { NatKind } from './router-rules.js';
import { SERVER_WAN_IP, type NatLab } from './topology.js';

/**
 * playParty's two-player lobby with a C# member: an SDK host (peer.mjs) in a home of
 * `hostKind`, a C# member (LabPeer.cs under mono) in a home of `memberKind`. Returns once both
 * have exited; `started` gets the C# process so that the test can kill it whatever happens.
 */
export async function playSdkHostWithCsMember(
  lab: NatLab,
  pool: PeerPool,
  build: UnityBuild,
  [hostKind, memberKind]: [NatKind, NatKind],
  timing: PartyTiming,
  withPayloadCounters: boolean,
  started: CsPeerProcess[],
): Promise<{ host: Player; member: Player }> {
  const hostHome = await lab.addHome(hostKind, LOCAL_PORT, withPayloadCounters);
  const memberHome = await lab.addHome(memberKind, LOCAL_PORT, withPayloadCounters);
  const base = {
    url: `http://${SERVER_WAN_IP}:${ORION_HTTP_PORT}`,
    localPort: LOCAL_PORT,
    ...timing,
  };
  const hostPeer = pool.start(hostHome.homeNs, { ...base, name: 'host', role: 'host', members: 1 });
  const { lobbyId } = (await hostPeer.waitFor('hosted', 10_000)) as unknown as { lobbyId: string };
  const memberPeer = CsPeerProcess.start(memberHome.homeNs, build, {
    ...base,
    name: 'm1',
    role: 'member',
    lobbyId,
  });
  started.push(memberPeer);
  await memberPeer.waitFor('joined', 15_000);
  // The peers bound themselves with runTimeoutMs; mono needs a little more to start and exit.
  const [hostCode, memberCode] = await Promise.all([
    hostPeer.exit(timing.runTimeoutMs + 1_000),
    memberPeer.exit(timing.runTimeoutMs + 5_000),
  ]);
  return {
    host: { name: 'host', home: hostHome, peer: hostPeer, exitCode: hostCode },
    member: { name: 'm1', home: memberHome, peer: memberPeer, exitCode: memberCode },
  };
}
