import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWukong } from '../helpers/wukong-cli.js';

function wukong(args: string[]) {
  const started = Date.now();
  const result = spawnSync(process.execPath, [join(process.cwd(), 'bin/wukong.js'), ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, elapsedMs: Date.now() - started };
}

describe('output paths are checked before any work (e2e)', () => {
  it('replay --report into a missing directory: exit 2 at once, nothing run', () => {
    const run = wukong(['replay', 'gemm', '--size', 'small', '--report', '/nonexistent/r.json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--report \/nonexistent\/r\.json: no such directory/);
    expect(run.stdout).toBe(''); // no run summary, no verification
    expect(run.elapsedMs).toBeLessThan(15_000);
  });

  it('submit --out onto a file: exit 2, nothing written', () => {
    const run = wukong(['submit', 'workloads/examples/gemm-2x2.json', '--output-dir', '/etc/passwd']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--output-dir \/etc\/passwd: exists and is not a directory/);
    expect(run.stdout).toBe('');
  });

  it('every bad path is named at once; a good --report next to them is not written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wk-out-'));
    const run = wukong(['submit', 'workloads/examples/diamond.json', '--report', join(dir, 'run.json'), '--html', dir, '--output-dir', join(dir, 'missing', 'deep')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--html .*: is a directory/);
    expect(existsSync(join(dir, 'run.json'))).toBe(false);
  });

  it('plan -o and import -o are checked too', () => {
    expect(wukong(['plan', 'workloads/examples/diamond.json', '--planner', 'uniform', '-o', '/nonexistent/a.json']).code).toBe(2);
    expect(wukong(['import', 'wfcommons', 'workloads/examples/diamond.json', '-o', '/nonexistent/d.json']).stderr).toMatch(/--output \/nonexistent\/d\.json/);
  });

  it('metadata export into a missing directory: exit 2 like the flags above, not an ENOENT', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'wk-out-'));
    const run = runWukong(['metadata', 'export', '/nonexistent-dir/h.jsonl'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/metadata export \/nonexistent-dir\/h\.jsonl: no such directory: \/nonexistent-dir \(nothing was run\)/);
    expect(run.stdout).toBe('');
  });
});

describe('store flags in words (e2e)', () => {
  it('--s3-bucket wk names the flag and the naming rule, not a raw schema message', () => {
    const run = wukong(['submit', 'workloads/examples/diamond.json', '--s3-bucket', 'wk']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--s3-bucket "wk": an S3 bucket name: 3 to 63/);
    expect(run.stderr).not.toMatch(/Too small/);
  });
});
