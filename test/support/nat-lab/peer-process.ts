import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../orion-process.js';

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
  /** Game datagrams to send to each peer (each one is answered). */
  datagrams: number;
  /** After a failed punch, how long to wait for the server's ptpMediation_aborted. */
  abortWaitMs: number;
  /** The script gives up and exits non-zero after this long, whatever it is doing. */
  runTimeoutMs: number;
}

/** One JSON line the peer printed. */
export interface PeerEvent {
  event: string;
  [key: string]: unknown;
}

/** A peer.mjs child running inside a home namespace, its JSON lines parsed as they come. */
export class PeerProcess {
  readonly events: PeerEvent[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  private partial = '';
  private readonly waiters: (() => void)[] = [];

  constructor(
    readonly args: PeerArgs,
    private readonly child: ChildProcess,
  ) {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => this.read(chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    void this.exited.then(() => this.wake());
  }

  static start(ns: string, args: PeerArgs): PeerProcess {
    const child = spawn(
      'ip',
      ['netns', 'exec', ns, process.execPath, peerScript, JSON.stringify(args)],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return new PeerProcess(args, child);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  eventsOf(name: string): PeerEvent[] {
    return this.events.filter((e) => e.event === name);
  }

  /** The first `name` event, waiting for it; fails if the peer exits or time runs out first. */
  async waitFor(name: string, timeoutMs: number): Promise<PeerEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.eventsOf(name)[0];
      if (found) return found;
      if (!this.running)
        throw new Error(`${this.args.name} exited without "${name}": ${this.describe()}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`${this.args.name} printed no "${name}" in time: ${this.describe()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The exit code; the peer is killed (and the test fails) if it outlives `timeoutMs`. */
  async exitCode(timeoutMs: number): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>(
      (resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)),
    );
    const outcome = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      await this.kill();
      throw new Error(`${this.args.name} did not exit within ${timeoutMs} ms: ${this.describe()}`);
    }
    return outcome;
  }

  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Its output so far, for failure messages. */
  describe(): string {
    return `events ${JSON.stringify(this.events)} stderr ${JSON.stringify(this.stderr.slice(-2_000))}`;
  }

  private read(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        this.events.push(JSON.parse(line) as PeerEvent);
      } catch {
        this.events.push({ event: 'unparsed', line });
      }
    }
    this.wake();
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
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
