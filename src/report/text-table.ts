import Table from 'cli-table3';
import { markdownTable } from 'markdown-table';

/**
 * Tables for the terminal and for markdown files (BENCHMARKS.md), by libraries made for it:
 * cli-table3 pads and aligns terminal columns (string widths of wide and ANSI characters
 * included), markdown-table writes the alignment row and escapes `|` inside cells.
 */
export type TableStyle = 'text' | 'markdown';

/** Terminal style: no borders, two spaces between columns, a dashed rule under the header. */
const BORDERLESS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
};

/** `leftColumns`: how many leading columns hold names (left-aligned); the rest are numbers (right-aligned). */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], style: TableStyle, leftColumns = 1): string {
  const cells = [header, ...rows].map((row) => header.map((_, i) => row[i] ?? ''));
  if (style === 'markdown') return `${markdownTable(cells, { align: header.map((_, i) => (i < leftColumns ? 'l' : 'r')), alignDelimiters: false })}\n`;
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] as string).length)));
  const table = new Table({
    chars: BORDERLESS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
    colAligns: header.map((_, i) => (i < leftColumns ? 'left' : 'right')),
  });
  table.push(cells[0] as string[], widths.map((w) => '-'.repeat(w)), ...cells.slice(1));
  return `${table.toString().split('\n').map((line) => line.trimEnd()).join('\n')}\n`;
}
