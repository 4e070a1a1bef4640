import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { LinesPerTick } from './lines-per-tick.js';

describe('LinesPerTick', () => {
  function collecting(): { lines: LinesPerTick; writes: string[]; exit: () => void } {
    const writes: string[] = [];
    let exit = () => {};
    const lines = new LinesPerTick(
      { write: (batch) => writes.push(batch) },
      (write) => (exit = write),
    );
    return { lines, writes, exit: () => exit() };
  }

  it('writes the lines of one turn in one write, in order, at the end of the turn', async () => {
    const { lines, writes } = collecting();
    lines.write('a\n');
    lines.write('b\n');
    lines.write('c\n');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['a\nb\nc\n']);
  });

  it('writes a later turn’s lines in a write of their own', async () => {
    const { lines, writes } = collecting();
    lines.write('first\n');
    await nextTurn();
    lines.write('second\n');
    await nextTurn();
    expect(writes).toEqual(['first\n', 'second\n']);
  });

  it('writes what is pending at once on flushSync, and nothing twice', async () => {
    const { lines, writes } = collecting();
    lines.write('now\n');
    lines.flushSync();
    expect(writes).toEqual(['now\n']);
    await nextTurn();
    lines.flushSync();
    expect(writes).toEqual(['now\n']);
  });

  it('writes what is pending when the process exits', () => {
    const { lines, writes, exit } = collecting();
    lines.write('last words\n');
    exit();
    expect(writes).toEqual(['last words\n']);
  });
});
