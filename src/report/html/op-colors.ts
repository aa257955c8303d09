/**
 * A colour per op that depends on the op's name only, so `matrix.matmul` has the same colour on
 * every page (it used to follow each page's task counts). Tableau 20 less its teals, browns and
 * greys (the page's get, put and start-up colours), picked by a hash of the name; when two ops of
 * one page hash to the same colour, the later name (sorted) gets a hue from its hash instead:
 * still the same for that pair on any page.
 */
const PALETTE = [
  '#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#edc948', '#ff9da7', '#e15759',
  '#a0cbe8', '#ffbe7d', '#8cd17d', '#d4a6c8', '#f1ce63', '#fabfd2', '#ff9d9a',
];

/** FNV-1a, 32 bits: a stable, well-spread hash of a short string. */
export function nameHash(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i += 1) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The colour of one op, by its name alone. */
export function opColor(op: string): string {
  return PALETTE[nameHash(op) % PALETTE.length] as string;
}

/** Colours for the ops of one page (each op once, in name order for collisions). */
export function opColors(ops: readonly string[]): Map<string, string> {
  const colors = new Map<string, string>();
  const used = new Set<string>();
  for (const op of [...new Set(ops)].sort()) {
    let color = opColor(op);
    if (used.has(color)) color = `hsl(${nameHash(`${op}#hue`) % 360} 60% 45%)`;
    used.add(color);
    colors.set(op, color);
  }
  return colors;
}
