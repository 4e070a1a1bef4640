import { describe, expect, it } from 'vitest';
import { ProgressBar, renderBar } from './progress-bar.js';

function recorder(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, output: { isTTY, write: (text: string) => writes.push(text) } };
}

describe('progress bar', () => {
  it('renders the done share of the width', () => {
    expect(renderBar(0, 4, 8)).toBe('[--------]');
    expect(renderBar(1, 4, 8)).toBe('[##------]');
    expect(renderBar(4, 4, 8)).toBe('[########]');
    expect(renderBar(9, 4, 8)).toBe('[########]');
  });

  it('redraws one line in place on a terminal, and ends it when finished', () => {
    let now = 0;
    const { writes, output } = recorder(true);
    const bar = new ProgressBar(4, output, { width: 4, now: () => now });
    now = 1_000;
    bar.update(1, 0);
    now = 2_000;
    bar.update(2, 1);
    bar.finish(2, 1);
    expect(writes[0]).toBe('\r\x1b[2K[#---] 1/4 lobbies done, 0 failed, 1.0 flows/s');
    expect(writes[1]).toBe('\r\x1b[2K[##--] 2/4 lobbies done, 1 failed, 0.5 flows/s');
    expect(writes.at(-1)).toBe('\n');
    expect(writes.slice(0, -1).every((text) => !text.includes('\n'))).toBe(true);
  });

  it('writes plain lines at most once per interval when not on a terminal', () => {
    let now = 0;
    const { writes, output } = recorder(false);
    const bar = new ProgressBar(10, output, { plainEveryMs: 1_000, now: () => now });
    for (let done = 1; done <= 10; done++) {
      now += 300;
      bar.update(done, 0);
    }
    bar.finish(10, 0);
    expect(writes.every((text) => text.endsWith('\n') && !text.includes('\x1b'))).toBe(true);
    // Updates at 300, 1500 (the first after 1000 ms passed) and 2700, then the final line.
    expect(writes.map((text) => text.split(' ')[0])).toEqual(['1/10', '5/10', '9/10', '10/10']);
  });

  it('does not repeat the final plain line if it was just written', () => {
    const { writes, output } = recorder(false);
    const bar = new ProgressBar(1, output, { now: () => 0 });
    bar.update(1, 0);
    bar.finish(1, 0);
    expect(writes).toEqual(['1/1 lobbies done, 0 failed, 0.0 flows/s\n']);
  });
});
