/**
 * Builds the result rows (baseline, Orion, ratio, target) and renders them as a text
 * table for the terminal and a Markdown table for BENCHMARKS.md.
 */
export function buildRows(scenarios, runs) {
  const rows = [];
  for (const scenario of scenarios) {
    let title = '';
    for (const row of scenario.rows) {
      title = row.scenario ?? title;
      const run = runs[scenario.id] ?? {};
      const baseline = run.baseline?.figures?.[row.key];
      const orion = run.orion?.figures?.[row.key];
      const ratio = row.noRatio ? undefined : orion / baseline;
      rows.push({
        scenario: row.scenario ?? '',
        title,
        figure: row.label,
        baseline,
        orion,
        ratio,
        digits: row.digits ?? 2,
        target: row.target && describeTarget(row.target),
        met: row.target && meets(row.target, { orion, ratio }),
        error: run.baseline?.error || run.orion?.error ? 'error' : undefined,
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

function cells(row) {
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
    number(row.baseline),
    number(row.orion),
    Number.isFinite(row.ratio) ? `${row.ratio.toFixed(2)}x` : '',
    row.target ?? '',
    verdict,
  ];
}

const HEADER = ['Scenario', 'Figure', 'Baseline', 'Orion', 'Orion/base', 'Target', 'Result'];
const RIGHT = [false, false, true, true, true, false, false];

export function textTable(rows) {
  const lines = [HEADER, ...rows.map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...lines.map((line) => line[i].length)));
  const format = (line) =>
    line
      .map((cell, i) => (RIGHT[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [
    format(lines[0]),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...lines.slice(1).map(format),
  ].join('\n');
}

export function markdownTable(rows) {
  const line = (cellsOfRow) => `| ${cellsOfRow.join(' | ')} |`;
  const align = RIGHT.map((right) => (right ? '---:' : '---'));
  return [line(HEADER), line(align), ...rows.map((row) => line(cells(row)))].join('\n');
}
