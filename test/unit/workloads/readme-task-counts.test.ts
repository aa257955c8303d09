import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRESET_NAMES, WORKLOADS } from '../../../workloads/index.js';

/**
 * README's table of workload task counts is typed by hand; the generators' counts (the ones
 * `replay --list` prints, pinned to the generated DAGs by ./task-counts.test.ts) are the truth.
 * svd-square's row once said 134/260/656 for 138/268/672.
 */
const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');

/** The README row of a workload: its small, medium and large cells, each ending in the count ("N=64: 127", "2,047"). */
function readmeCounts(name: string): number[] | undefined {
  const row = readme.split('\n').find((line) => line.startsWith(`| ${name} |`));
  if (!row) return undefined;
  const cells = row.split('|').slice(1, -1).map((cell) => cell.trim());
  return cells.slice(-PRESET_NAMES.length).map((cell) => Number(/([\d,]+)$/.exec(cell)?.[1]?.replaceAll(',', '')));
}

describe('README workload table', () => {
  it.each(WORKLOADS.map((w) => [w.name, w] as const))('%s: its small, medium and large task counts are the generator\'s', (name, workload) => {
    const generated = PRESET_NAMES.map((preset) => workload.taskCount(workload.paramsSchema.parse(workload.presets[preset])));
    expect(readmeCounts(name)).toEqual(generated);
  });
});
