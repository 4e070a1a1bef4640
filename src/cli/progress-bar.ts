/** Where progress goes: stderr in the CLI, a recorder in the specs. */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  /** Bar width in characters, between the brackets. */
  width?: number;
  /** Without a terminal, how often a plain line is written. */
  plainEveryMs?: number;
  now?: () => number;
}

/** `[######--------------]`: the done share of `width` cells. */
export function renderBar(done: number, total: number, width: number): string {
  const filled = total === 0 ? width : Math.min(width, Math.floor((done / total) * width));
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/**
 * Progress of a run of `total` flows. On a terminal, one line redrawn in place; when the
 * output is a file or a pipe, a plain line now and then, so that logs stay readable.
 */
export class ProgressBar {
  private readonly startedAt: number;
  private lastPlainAt = -Infinity;
  private lastPlainText = '';

  constructor(
    private readonly total: number,
    private readonly output: ProgressOutput,
    private readonly options: ProgressOptions = {},
  ) {
    this.startedAt = this.now();
  }

  update(done: number, failed: number): void {
    const text = this.describe(done, failed);
    if (this.output.isTTY) {
      // Carriage return and clear-line: the bar stays on one line.
      this.output.write(
        `\r\x1b[2K${renderBar(done, this.total, this.options.width ?? 30)} ${text}`,
      );
    } else if (this.now() - this.lastPlainAt >= (this.options.plainEveryMs ?? 1_000)) {
      this.writePlain(text);
    }
  }

  /** Ends the bar's line, or writes the final plain line unless it was just written. */
  finish(done: number, failed: number): void {
    if (this.output.isTTY) {
      this.update(done, failed);
      this.output.write('\n');
      return;
    }
    const text = this.describe(done, failed);
    if (text !== this.lastPlainText) this.writePlain(text);
  }

  private writePlain(text: string): void {
    this.output.write(`${text}\n`);
    this.lastPlainAt = this.now();
    this.lastPlainText = text;
  }

  private describe(done: number, failed: number): string {
    const seconds = (this.now() - this.startedAt) / 1_000;
    // Failed flows are not throughput: against a dead server they end fastest.
    const rate = seconds > 0 ? (done - failed) / seconds : 0;
    return `${done}/${this.total} lobbies done, ${failed} failed, ${rate.toFixed(1)} flows/s`;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
