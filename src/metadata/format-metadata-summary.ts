import type { Distribution, MetadataSummary } from './metadata-summary.js';

/** `wukong metadata stats` as text: one table per record type, figures rounded for reading. */
export function formatMetadataSummary(summary: MetadataSummary, location: string): string {
  const lines: string[] = [`metadata at ${location}`];
  if (summary.skipped > 0) lines.push(`(${summary.skipped} stored entr${summary.skipped === 1 ? 'y' : 'ies'} were not valid records and were skipped)`);

  lines.push('', 'execution time per task key (ms, as recorded on each worker)');
  if (summary.taskKeys.length === 0) lines.push('  no task records');
  else {
    lines.push(...table(['task key', 'samples', 'avg', 'median', 'p90'], summary.taskKeys.map((t) => [t.taskKey, ...distributionCells(t.execMs)])));
  }

  lines.push('', 'transfers per store');
  if (summary.transfers.length === 0) lines.push('  no transfer records');
  else {
    lines.push(
      ...table(
        ['store', 'dir', 'samples', 'avg ms', 'median ms', 'p90 ms', 'median MB/s'],
        summary.transfers.map((t) => [t.store, t.direction, ...distributionCells(t.ms), t.megabytesPerSecond ? figure(t.megabytesPerSecond.median) : '-']),
      ),
    );
  }

  lines.push('', 'executor start-up per tier (ms)');
  if (summary.startups.length === 0) lines.push('  no invoke records');
  else {
    lines.push(...table(['tier MB', 'start', 'samples', 'avg', 'median', 'p90'], summary.startups.map((s) => [String(s.tier), s.cold ? 'cold' : 'warm', ...distributionCells(s.startupMs)])));
  }
  return `${lines.join('\n')}\n`;
}

function distributionCells(d: Distribution): string[] {
  return [String(d.samples), figure(d.avg), figure(d.median), figure(d.p90)];
}

/** Three significant digits at most, no exponent for everyday magnitudes. */
function figure(value: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) >= 100) return Math.round(value).toString();
  return Number(value.toPrecision(3)).toString();
}

/** Left-aligned first column, right-aligned numbers, two spaces between, indented by two. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const render = (row: readonly string[]): string =>
    `  ${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] as number) : cell.padStart(widths[column] as number))).join('  ')}`.trimEnd();
  return [render(header), ...rows.map(render)];
}
