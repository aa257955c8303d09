/** Distinct colours for the most common ops (Tableau 10), then hues spread by the golden angle. */
const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#edc948', '#76b7b2', '#ff9da7', '#9c755f', '#e15759', '#bab0ac'];

/** A colour per op: the most frequent ops get the palette, in order of task count (ties by name). */
export function opColors(ops: readonly string[]): Map<string, string> {
  const counts = new Map<string, number>();
  for (const op of ops) counts.set(op, (counts.get(op) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const colors = new Map<string, string>();
  ranked.forEach(([op], i) => colors.set(op, PALETTE[i] ?? `hsl(${Math.round((i * 137.508) % 360)} 55% 55%)`));
  return colors;
}
