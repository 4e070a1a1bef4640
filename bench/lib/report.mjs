/**
 * Builds the result rows (two runs side by side, their ratio, the target) and renders them
 * as a text table for the terminal and a Markdown table for BENCHMARKS.md.
 */

/** Which two runs of each scenario a table compares (their ids in `runs`), and the headings. */
export const VERSUS_BASELINE = {
  left: 'baseline',
  right: 'orion',
  headings: ['Baseline', 'Orion', 'Orion/base'],
};

export function buildRows(scenarios, runs, columns = VERSUS_BASELINE) {
  const rows = [];
  for (const scenario of scenarios) {
    let title = '';
    for (const row of scenario.rows) {
      title = row.scenario ?? title;
      const run = runs[scenario.id] ?? {};
      const left = run[columns.left]?.figures?.[row.key];
      const right = run[columns.right]?.figures?.[row.key];
      const ratio = row.noRatio ? undefined : right / left;
      rows.push({
        scenario: row.scenario ?? '',
        title,
        figure: row.label,
        [columns.left]: left,
        [columns.right]: right,
        ratio,
        digits: row.digits ?? 2,
        // Targets compare Orion with the baseline; a before/after table has none.
        target: columns.targets !== false && row.target && describeTarget(row.target),
        met: columns.targets !== false && row.target && meets(row.target, { orion: right, ratio }),
        error: run[columns.left]?.error || run[columns.right]?.error ? 'error' : undefined,
      });
    }
  }
  return rows;
}

function describeTarget(target) {
  if (target.kind === 'ratio') return `ratio <= ${target.max}`;
  if (target.kind === 'orionMax') return `Orion <= ${target.max}`;
  return `Orion >= ${target.min.toLocaleString('en-US')}`;
}

function meets(target, { orion, ratio }) {
  if (target.kind === 'ratio') return Number.isFinite(ratio) ? ratio <= target.max : undefined;
  if (!Number.isFinite(orion)) return undefined;
  return target.kind === 'orionMax' ? orion <= target.max : orion >= target.min;
}

function cells(row, columns) {
  const number = (value) =>
    Number.isFinite(value)
      ? value.toLocaleString('en-US', {
          minimumFractionDigits: row.digits,
          maximumFractionDigits: row.digits,
        })
      : row.error
        ? 'error'
        : '-';
  const verdict = row.met === undefined ? (row.target ? 'n/a' : '') : row.met ? 'met' : 'MISSED';
  return [
    row.scenario,
    row.figure,
    number(row[columns.left]),
    number(row[columns.right]),
    Number.isFinite(row.ratio) ? `${row.ratio.toFixed(2)}x` : '',
    row.target ?? '',
    verdict,
  ];
}

/** The header, the right-aligned columns, and each row's cells; Target and Result only if used. */
function layout(rows, columns) {
  const width = rows.some((row) => row.target) ? 7 : 5;
  const header = ['Scenario', 'Figure', ...columns.headings, 'Target', 'Result'].slice(0, width);
  const right = [false, false, true, true, true, false, false].slice(0, width);
  return { header, right, body: rows.map((row) => cells(row, columns).slice(0, width)) };
}

export function textTable(rows, columns = VERSUS_BASELINE) {
  const { header, right, body } = layout(rows, columns);
  const lines = [header, ...body];
  const widths = header.map((_, i) => Math.max(...lines.map((line) => line[i].length)));
  const format = (line) =>
    line
      .map((cell, i) => (right[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [
    format(lines[0]),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...lines.slice(1).map(format),
  ].join('\n');
}

export function markdownTable(rows, columns = VERSUS_BASELINE) {
  const { header, right, body } = layout(rows, columns);
  const line = (cellsOfRow) => `| ${cellsOfRow.join(' | ')} |`;
  const align = right.map((isRight) => (isRight ? '---:' : '---'));
  return [line(header), line(align), ...body.map(line)].join('\n');
}
