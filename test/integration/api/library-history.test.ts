import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadInputError, loadHistory, localProfile, plan, simulate } from '../../../src/api/index.js';

/**
 * The library reads recorded history as the CLI does: `loadHistory` of the directory a CLI run
 * recorded into feeds `plan`, and `localProfile` fits the `local` profile from it for `simulate`.
 * Runs the built CLI once (`npm run build` first) to record a real run.
 */
const dir = mkdtempSync(join(tmpdir(), 'wk-api-history-'));
const history = join(dir, 'metadata');
const dagFile = join(process.cwd(), 'workloads/examples/diamond.json');
const dag: unknown = JSON.parse(readFileSync(dagFile, 'utf8'));

describe('the library API with recorded history', () => {
  it('loadHistory reads a CLI run; plan learns from it; localProfile fits the local profile that simulate takes', async () => {
    const run = spawnSync(process.execPath, [join(process.cwd(), 'bin/wukong.js'), 'submit', dagFile, '--workers', '2', '--metadata', history], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);

    const loaded = await loadHistory(history);
    expect(loaded.tasks.map((t) => t.taskId).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(loaded.invokes.length).toBeGreaterThan(0);

    const planned = await plan(dag, { planner: 'uniform', history: loaded });
    expect(Object.keys(planned.plan.tasks).sort()).toEqual(['a', 'b', 'c', 'd']);
    // Learned: the recorded start-ups and times move the forecast off the defaults' (a 300 ms cold start).
    const fromDefaults = await plan(dag, { planner: 'uniform' });
    expect(planned.plan.predicted?.makespanMs).not.toBe(fromDefaults.plan.predicted?.makespanMs);

    const profile = localProfile(loaded, { threads: 2 });
    expect(profile.name).toBe('local');
    const result = await simulate(dag, { profile });
    expect(result.report.ok).toBe(true);
    // The sleeps alone (20 + 30 + 40 ms on the longest path, or so) bound it from below.
    expect(result.report.makespanMs).toBeGreaterThan(50);
  });

  it('plan takes a planner module by path, as --planner does', async () => {
    const planned = await plan(dag, { planner: './examples/timeseries/planner.js' });
    expect(planned.plan.algorithm).toBe('one-worker');
    expect(new Set(Object.values(planned.plan.tasks).map((t) => t.worker))).toEqual(new Set([0]));
    await expect(plan(dag, { planner: './examples/timeseries/nope.js' })).rejects.toThrow(/planner \.\/examples\/timeseries\/nope\.js: no such file/);
  });

  it('refuses what it cannot read, and tells how to get the local profile', async () => {
    await expect(loadHistory(join(dir, 'nope'))).rejects.toThrow(/loadHistory: no such directory .*nope/);
    await expect(loadHistory('memory:')).rejects.toBeInstanceOf(BadInputError);
    expect(() => localProfile({ tasks: [], transfers: [], invokes: [], pools: [], skipped: 0 })).toThrow(BadInputError);
    await expect(simulate(dag, { profile: 'local' })).rejects.toThrow(/localProfile\(await loadHistory/);
    // A profile object is checked as a profile file is.
    await expect(simulate(dag, { profile: { name: 'mine' } as never })).rejects.toThrow(BadInputError);
  });
});
