import type { DestinationStream } from 'pino';

/** Where a batch of lines goes: pino's synchronous standard output, for one. */
export interface LineSink {
  write(lines: string): unknown;
}

/**
 * Collects the lines logged during one turn of the event loop and writes them to `sink` in
 * one go once the turn's I/O is handled: a busy server makes one write per turn, not one per
 * line, and a quiet one still writes each line within the turn it was logged in. The write
 * per line was most of what a log line cost (profile of `npm run bench:profile`). Whatever is
 * pending is written before the process exits.
 */
export class LinesPerTick implements DestinationStream {
  private pending: string[] = [];
  private scheduled = false;
  private readonly writePending = () => this.flushSync();

  constructor(
    private readonly sink: LineSink,
    atExit: (write: () => void) => void = (write) => process.once('exit', write),
  ) {
    atExit(this.writePending);
  }

  write(line: string): void {
    this.pending.push(line);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.writePending);
  }

  /** Writes what is pending now; pino's `logger.flush()` calls it too. */
  flushSync(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const lines = this.pending.join('');
    this.pending = [];
    this.sink.write(lines);
  }
}
