import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWukong } from '../helpers/wukong-cli.js';

/**
 * Planned workers waiting for inputs on the embedded backend do not hold the threads' executor
 * slots: under heft, tr's first workers (2 threads x 4 slots) waited for inputs of workers queued
 * behind them until their waits timed out and they parked, a wave each 500 ms (an audit: 1,085 ms
 * for a run of ~60; every parked worker invoked again). Now the queued workers start meanwhile,
 * and no worker parks: one invocation per worker.
 */
describe('planned workers waiting on the embedded backend', () => {
  it('tr small under heft on 2 threads: every worker runs once (none parks for want of a slot), verified', () => {
    const report = join(mkdtempSync(join(tmpdir(), 'wk-planned-waits-')), 'tr.json');
    const run = runWukong(['replay', 'tr', '--size', 'small', '--planner', 'heft', '--workers', '2', '--no-metadata', '--report', report]);
    expect(run.code, run.stderr).toBe(0);
    const executors = (JSON.parse(readFileSync(report, 'utf8')) as { runs: { executors: { worker?: number }[] }[] }).runs[0]!.executors;
    const workers = new Set(executors.map((e) => e.worker));
    expect(workers.size).toBeGreaterThan(8);
    expect(executors).toHaveLength(workers.size);
  });
});
