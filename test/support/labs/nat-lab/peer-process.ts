import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EventLinesChild, type ChildEvent } from '../event-lines-child.js';
import { repoRoot } from '../../orion/orion-process.js';

const peerScript = fileURLToPath(new URL('./peer.mjs', import.meta.url));

/** What peer.mjs is told, as one JSON argument (see the script's header). */
export interface PeerArgs {
  name: string;
  role: 'host' | 'member';
  url: string;
  localPort: number;
  /** Member only: the lobby to join. */
  lobbyId?: string;
  /** Host only: how many members to wait for before starting the mediation. */
  members?: number;
  punchTimeoutMs: number;
  /** mediate()'s relay mode and relayAfterMs; the SDK's defaults when unset. */
  relay?: 'fallback' | 'always' | 'off';
  relayAfterMs?: number;
  /** Game datagrams to send to each peer (each one is answered). */
  datagrams: number;
  /** After a failed punch, how long to wait for the server's ptpMediation_aborted. */
  abortWaitMs: number;
  /** The script gives up and exits non-zero after this long, whatever it is doing. */
  runTimeoutMs: number;
}

/** One JSON line the peer printed. */
export type PeerEvent = ChildEvent;

/** A peer.mjs child running inside a home namespace, its JSON lines parsed as they come. */
export class PeerProcess extends EventLinesChild {
  constructor(
    readonly args: PeerArgs,
    child: ChildProcess,
  ) {
    super(args.name, child, parsePeerLine);
  }

  static start(ns: string, args: PeerArgs): PeerProcess {
    const child = spawn(
      'ip',
      ['netns', 'exec', ns, process.execPath, peerScript, JSON.stringify(args)],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return new PeerProcess(args, child);
  }
}

/** Every stdout line of peer.mjs is an event; one that is not JSON is kept as `unparsed`. */
function parsePeerLine(line: string): ChildEvent | undefined {
  if (line.trim() === '') return undefined;
  try {
    return JSON.parse(line) as ChildEvent;
  } catch {
    return { event: 'unparsed', line };
  }
}

/** Every peer a test starts, so afterEach can kill whatever is still running. */
export class PeerPool {
  private readonly peers: PeerProcess[] = [];

  start(ns: string, args: PeerArgs): PeerProcess {
    const peer = PeerProcess.start(ns, args);
    this.peers.push(peer);
    return peer;
  }

  async killAll(): Promise<void> {
    await Promise.all(this.peers.splice(0).map((peer) => peer.kill()));
  }
}
