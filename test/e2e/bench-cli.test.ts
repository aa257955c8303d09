import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The benches' command line (bench/bench-args.ts): `--help` prints what the bench measures and its
 * options with their defaults and exits 0; an unknown flag, a missing value or a numeric option that
 * is not a number in range is a usage error: `<script>: <problem>` on stderr, exit 2, no stack trace.
 * Each run below stops at its arguments, before any measuring.
 */
function bench(name: string, ...args: string[]) {
  return spawnSync(process.execPath, [join('dist/bench', `${name}.js`), ...args], { encoding: 'utf8', timeout: 30_000 });
}

describe('bench scripts: --help and usage errors', () => {
  for (const [name, option, fallback] of [
    ['overhead', '--tasks', 'default 10000'],
    ['qr', '--shapes', 'default 2048x64,8192x64,1024x256'],
    ['wfcommons', '--seeds', 'default 3'],
  ] as const) {
    it(`${name}.js --help prints its usage and exits 0`, () => {
      const run = bench(name, '--help');
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^usage: node dist/bench/${name}\\.js \\[options\\]`));
      expect(run.stdout).toContain(option);
      expect(run.stdout).toContain(fallback);
      expect(run.stdout).toContain('-h, --help');
      expect(run.stderr).toBe('');
    });

    it(`${name}.js --no-such-flag is a usage error (exit 2, no stack trace)`, () => {
      const run = bench(name, '--no-such-flag');
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`^${name}\\.js: Unknown option '--no-such-flag'`));
      expect(run.stderr).toContain('--help');
      expect(run.stderr).not.toMatch(/^\s+at /m);
      expect(run.stdout).toBe('');
    });
  }

  it('a numeric option that is not a positive number is a usage error, not a table of NaN', () => {
    for (const [name, args, problem] of [
      ['overhead', ['--tasks', 'abc', '--no-dask'], "overhead.js: --tasks must be a whole number >= 1, got 'abc'"],
      ['overhead', ['--workers', '0', '--tiny', '--no-dask'], "overhead.js: --workers must be a whole number >= 1, got '0'"],
      ['qr', ['--repeats=0'], "qr.js: --repeats must be a whole number >= 1, got '0'"],
      ['plan-100k', ['--tasks', '1000,x'], "plan-100k.js: --tasks must be a comma-separated list of whole numbers >= 1, got 'x'"],
    ] as const) {
      const run = bench(name, ...args);
      expect(run.status, `${name} ${args.join(' ')}`).toBe(2);
      expect(run.stderr.split('\n')[0]).toBe(problem);
      expect(run.stderr).not.toMatch(/^\s+at /m);
      expect(run.stdout).toBe('');
    }
  });

  it('a missing option value is a usage error', () => {
    const run = bench('scaling', '--max-threads');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^scaling\.js: Option '--max-threads <value>' argument missing/);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});
