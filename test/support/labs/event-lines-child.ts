import type { ChildProcess } from 'node:child_process';

/** One JSON event a child printed. */
export interface ChildEvent {
  event: string;
  [key: string]: unknown;
}

/**
 * A child process that reports what happened as JSON lines on stdout (the NAT lab's peers,
 * the Godot test scripts), its events parsed as they arrive so a test can wait for them.
 * `parseLine` picks the lines that are events and reads them; others are only kept in stdout.
 */
export class EventLinesChild {
  readonly events: ChildEvent[] = [];
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private partial = '';
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly label: string,
    private readonly child: ChildProcess,
    private readonly parseLine: (line: string) => ChildEvent | undefined,
  ) {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => this.read(chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve(signal ? null : code));
      child.once('error', () => resolve(null));
    });
    void this.exited.then(() => this.notify());
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  eventsOf(name: string): ChildEvent[] {
    return this.events.filter((event) => event.event === name);
  }

  /** The first `name` event, waiting for it; fails if the process exits or time runs out. */
  async waitFor(name: string, timeoutMs: number): Promise<ChildEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.eventsOf(name)[0];
      if (found) return found;
      if (!this.running)
        throw new Error(`${this.label} exited without "${name}". ${this.describe()}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`${this.label} printed no "${name}" in time. ${this.describe()}`);
      await this.nextChange(left);
    }
  }

  /**
   * The exit code. A process that runs past `timeoutMs` is killed, and the error names
   * what it said.
   */
  async exit(timeoutMs: number): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(resolve, timeoutMs, 'late')));
    const outcome = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (outcome !== 'late') return outcome;
    await this.kill();
    throw new Error(`${this.label} did not exit within ${timeoutMs} ms. ${this.describe()}`);
  }

  /** Kills the process if it still runs, and waits for it to be gone. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** What the process reported, for failure messages: its events and the end of its stderr. */
  describe(): string {
    const events = this.events.map((event) => JSON.stringify(event)).join('\n  ');
    const stderr = this.stderr.trim().split('\n').slice(-15).join('\n  ');
    return `Events:\n  ${events || '(none)'}\nstderr (last lines):\n  ${stderr || '(empty)'}`;
  }

  private read(chunk: string): void {
    this.stdout += chunk;
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      const event = this.parseLine(line);
      if (event) this.events.push(event);
    }
    this.notify();
  }

  private nextChange(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.listeners.add(done);
    });
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
