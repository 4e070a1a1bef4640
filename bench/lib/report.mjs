/**
 * Builds the result rows (two runs side by side, their ratio, the target) and renders them
 * as a text table for the terminal and a Markdown table for BENCHMARKS.md. A scenario with
 * `floor: true` also ran on the framework floor: its rows add the floor's figure and the
 * right run's ratio to it, in two columns that appear only when such a scenario ran.
 */

/**
 * Which two runs of each scenario a table compares (their ids in `runs`), the headings, and
 * optionally the floor's run id and headings.
 */
export const VERSUS_BASELINE = {
  left: 'baseline',
  right: 'orion',
  headings: ['Baseline', 'Orion', 'Orion/base'],
  floor: { id: 'floor', headings: ['Floor', 'Orion/floor'] },
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
      const floorId = scenario.floor ? columns.floor?.id : undefined;
      const floor = floorId && run[floorId]?.figures?.[row.key];
      const floorRatio = floorId && !row.noRatio ? right / floor : undefined;
      rows.push({
        scenario: row.scenario ?? '',
        title,
        figure: row.label,
        [columns.left]: left,
        [columns.right]: right,
        ratio,
        ...(floorId && { usesFloor: true, [floorId]: floor, floorRatio }),
        digits: row.digits ?? 2,
        // Targets compare Orion with the baseline or the floor; a before/after table has none.
        target: columns.targets !== false && row.target && describeTarget(row.target),
        met:
          columns.targets !== false &&
          row.target &&
          meets(row.target, { orion: right, ratio, floorRatio }),
        error:
          run[columns.left]?.error || run[columns.right]?.error || (floorId && run[floorId]?.error)
            ? 'error'
            : undefined,
      });
    }
  }
  return rows;
}

function describeTarget(target) {
  if (target.kind === 'ratio') return `ratio <= ${target.max}`;
  if (target.kind === 'floorRatio') return `Orion/floor <= ${target.max}`;
  if (target.kind === 'orionMax') return `Orion <= ${target.max}`;
  return `Orion >= ${target.min.toLocaleString('en-US')}`;
}

function meets(target, { orion, ratio, floorRatio }) {
  if (target.kind === 'ratio') return Number.isFinite(ratio) ? ratio <= target.max : undefined;
  if (target.kind === 'floorRatio')
    return Number.isFinite(floorRatio) ? floorRatio <= target.max : undefined;
  if (!Number.isFinite(orion)) return undefined;
  return target.kind === 'orionMax' ? orion <= target.max : orion >= target.min;
}

function number(row, value) {
  if (Number.isFinite(value)) {
    const digits = { minimumFractionDigits: row.digits, maximumFractionDigits: row.digits };
    return value.toLocaleString('en-US', digits);
  }
  return row.error ? 'error' : '-';
}

const times = (ratio) => (Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : '');

function verdict(row) {
  if (row.met === undefined) return row.target ? 'n/a' : '';
  return row.met ? 'met' : 'MISSED';
}

/**
 * The header, the right-aligned columns, and each row's cells; the floor's columns only if a
 * row has them, Target and Result only if used.
 */
function layout(rows, columns) {
  const floor = columns.floor && rows.some((row) => row.usesFloor) ? columns.floor : undefined;
  const [leftHeading, rightHeading, ratioHeading] = columns.headings;
  const floorCell = (cell) => (row) => (row.usesFloor ? cell(row) : '');
  const spec = [
    ['Scenario', false, (row) => row.scenario],
    ['Figure', false, (row) => row.figure],
    [leftHeading, true, (row) => number(row, row[columns.left])],
    ...(floor ? [[floor.headings[0], true, floorCell((row) => number(row, row[floor.id]))]] : []),
    [rightHeading, true, (row) => number(row, row[columns.right])],
    [ratioHeading, true, (row) => times(row.ratio)],
    ...(floor ? [[floor.headings[1], true, floorCell((row) => times(row.floorRatio))]] : []),
    ...(rows.some((row) => row.target)
      ? [
          ['Target', false, (row) => row.target ?? ''],
          ['Result', false, verdict],
        ]
      : []),
  ];
  return {
    header: spec.map(([heading]) => heading),
    right: spec.map(([, isRight]) => isRight),
    body: rows.map((row) => spec.map(([, , cell]) => cell(row))),
  };
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
