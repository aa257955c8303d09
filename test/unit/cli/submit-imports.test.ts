import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Issue 20 (CLI start): `wukong submit` in WUKONG mode loads no planner. The planners and the
 * planning code are imported on demand (src/plan/load-planner.ts, src/cli/planned-input.ts), so
 * none of them may be reachable from the command by static imports (`import type` loads nothing).
 */
const SRC = resolve('src');
const PLANNING = /^plan\/((plan-dag|plan-to-run|replan|builtin-planners)\.ts$|algorithms\/)/;

/** Every module of src/ that `entry` reaches by static (value) imports and re-exports. */
function staticallyReached(entry: string): string[] {
  const seen = new Set([resolve(entry)]);
  const queue = [...seen];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    for (const match of readFileSync(file, 'utf8').matchAll(/^\s*(import|export)\s(?!type\b)[^;]*?\sfrom\s+'(\.[^']+)\.js';/gms)) {
      const target = resolve(dirname(file), `${match[2]}.ts`);
      if (existsSync(target) && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return [...seen].map((file) => relative(SRC, file).split('\\').join('/'));
}

describe('what submit loads before a run', () => {
  it('no planning module is a static import of the submit command', () => {
    const reached = staticallyReached(join(SRC, 'cli/commands/submit.ts'));
    expect(reached).toContain('cli/planned-input.ts');
    expect(reached.filter((file) => PLANNING.test(file))).toEqual([]);
  });

  it('the walk does find planners where they are imported statically (the check above can fail)', () => {
    expect(staticallyReached(join(SRC, 'api/plan.ts')).filter((file) => PLANNING.test(file))).toContain('plan/builtin-planners.ts');
  });
});
