import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Benches are not timed tests, but they must keep running: each bench/*.ts, built to
 * dist/bench/*.js, runs here at the tiny size bench/smoke.json gives it. A bench missing from that
 * list fails the first test, so a new bench cannot be forgotten.
 */
const SMOKE = JSON.parse(readFileSync('bench/smoke.json', 'utf8')) as Record<string, string[] | null | string>;
const benches = readdirSync('bench')
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.slice(0, -'.ts'.length))
  .sort();

describe('every bench runs at a tiny size (smoke)', () => {
  it('bench/smoke.json lists every bench/*.ts (arguments, or null for a helper module)', () => {
    const listed = Object.keys(SMOKE).filter((key) => key !== '//');
    expect(benches.filter((name) => !listed.includes(name)), 'add these to bench/smoke.json').toEqual([]);
    expect(listed.filter((name) => !benches.includes(name)), 'bench/smoke.json names benches that do not exist').toEqual([]);
  });

  for (const name of benches) {
    const args = SMOKE[name];
    if (!Array.isArray(args)) continue;
    it(`node dist/bench/${name}.js ${args.join(' ')}`, { timeout: 120_000 }, () => {
      const run = spawnSync(process.execPath, [join('dist/bench', `${name}.js`), ...args], { encoding: 'utf8', timeout: 110_000 });
      expect(run.stderr, `${name} wrote a stack trace`).not.toMatch(/^\s+at /m);
      expect(run.status, `${name} exited ${run.status}:\n${run.stderr.slice(-2000)}`).toBe(0);
      // A bench prints figures: at least one number on stdout.
      expect(run.stdout).toMatch(/\d/);
    });
  }

  it('bash bench/device-scaling.sh, rehearsed at the small size on 1 thread (it runs only the bundles)', { timeout: 120_000 }, () => {
    const out = mkdtempSync(join(tmpdir(), 'device-out-'));
    try {
      const run = spawnSync('bash', ['bench/device-scaling.sh'], { encoding: 'utf8', timeout: 110_000, env: { ...process.env, SIZE: 'small', THREADS: '1', OUT: out } });
      expect(run.status, `device-scaling.sh exited ${run.status}:\n${run.stderr.slice(-2000)}`).toBe(0);
      expect(readFileSync(join(out, 'host.txt'), 'utf8')).toMatch(/^cores \d+/);
      expect(readFileSync(join(out, 'scaling.txt'), 'utf8')).toMatch(/^tr\s+127\s/m);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
