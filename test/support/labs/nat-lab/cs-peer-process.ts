import { spawn } from 'node:child_process';
import { repoRoot } from '../../orion/orion-process.js';
import { parseDriverLine, type UnityBuild } from '../../unity/unity-driver.js';
import { EventLinesChild } from '../event-lines-child.js';
import type { PeerArgs } from './peer-process.js';

/**
 * The Unity / C# client as a NAT lab member: `mono OrionTestDriver.exe lab-member` inside a home
 * namespace (test/support/unity/LabPeer.cs). It prints the events peer.mjs prints and exits
 * with the same codes, so the lab's expectations read it as they read an SDK peer.
 */
export class CsPeerProcess extends EventLinesChild {
  constructor(
    readonly args: PeerArgs,
    child: ReturnType<typeof spawn>,
  ) {
    super(args.name, child, parseDriverLine);
  }

  static start(ns: string, build: UnityBuild, args: PeerArgs): CsPeerProcess {
    if (args.role !== 'member' || !args.lobbyId) throw new Error('the C# lab peer only joins');
    const flags = Object.entries({
      url: args.url,
      name: args.name,
      lobby: args.lobbyId,
      'local-port': args.localPort,
      'punch-timeout-ms': args.punchTimeoutMs,
      relay: args.relay ?? 'fallback',
      'relay-after-ms': args.relayAfterMs ?? 2_000,
      datagrams: args.datagrams,
      'run-timeout-ms': args.runTimeoutMs,
    }).flatMap(([key, value]) => [`--${key}`, String(value)]);
    const child = spawn('ip', ['netns', 'exec', ns, 'mono', build.driver, 'lab-member', ...flags], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new CsPeerProcess(args, child);
  }
}
