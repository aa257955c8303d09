/**
 * A DAG of two user ops (demo.scale, demo.twice) over a built-in source, for the result-cache
 * tests: changing demo.scale's code must invalidate `scaled`, `after-scaled` and `sum` and
 * nothing else (issue 19).
 */
export function userOpsCacheDag(name: string): string {
  return JSON.stringify({
    name,
    tasks: [
      { id: 'src', op: 'matrix.fill', args: { rows: 2, cols: 2, value: 3 } },
      { id: 'scaled', op: 'demo.scale', deps: ['src'] },
      { id: 'after-scaled', op: 'demo.twice', deps: ['scaled'] },
      { id: 'other', op: 'demo.twice', deps: ['src'] },
      { id: 'sum', op: 'matrix.add', deps: ['after-scaled', 'other'] },
    ],
    outputs: ['sum', 'other'],
  });
}

/** The `cache` part of `submit --json`'s summary. */
export interface CacheSummaryJson {
  hits: number;
  recomputed: { taskId: string; reason: string }[];
  skipped: number;
  corrupt: number;
  written: number;
  /** Planned runs: how many tasks the plan covers (only the misses). */
  plannedTasks?: number;
}
