import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * An invalid DAG gets the same O(V + E) validation as a valid one. Timing is the bench's job
 * (`node dist/bench/validate-100k.js` prints the 100,000-way case); this checks the answer on a
 * 30,000-way fan-in, which took minutes when the cycle search rebuilt the fan-in's parent list
 * per step (and so ran past this child process's 60 s limit).
 */
describe('wukong validate on a wide invalid fan-in (e2e)', () => {
  it('a 30,000-way fan-in with one unknown dep: exactly that problem, named', () => {
    const width = 30_000;
    const sources = Array.from({ length: width }, (_, i) => ({ id: `s${i}`, op: 'synthetic.work', args: { ms: 0 } }));
    const sink = { id: 'sink', op: 'synthetic.work', args: { ms: 0 }, deps: [...sources.map((s) => s.id), 'ghost'] };
    const file = join(mkdtempSync(join(tmpdir(), 'wukong-fan-in-')), 'fan-in.json');
    writeFileSync(file, JSON.stringify({ name: 'wide', tasks: [...sources, sink] }));
    const run = spawnSync(process.execPath, [join(process.cwd(), 'bin/wukong.js'), 'validate', file, '--json'], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(2);
    const result = JSON.parse(run.stdout) as { ok: boolean; problems: { code: string; message: string; taskIds: string[] }[] };
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([{ code: 'unknown-dep', message: 'task sink depends on "ghost", which is no task', taskIds: ['sink', 'ghost'] }]);
  });
});
