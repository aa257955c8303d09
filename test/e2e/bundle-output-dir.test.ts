import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWukong } from '../helpers/wukong-cli.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'wk-bundle-out-'));

/** A small user project: what `--output-dir .` once deleted. */
function project(): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'package.json'), '{ "name": "mine", "type": "module" }\n');
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'index.js'), 'export const answer = 42;\n');
  return dir;
}

describe('wukong bundle empties only a directory of its own (e2e)', () => {
  it('a directory holding other files is refused with exit 2, and left as it was', () => {
    const dir = project();
    const run = runWukong(['bundle', '--output-dir', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/holds files that are not a wukong bundle \(package\.json, src\).*nothing was written or deleted/);
    expect(readdirSync(dir).sort()).toEqual(['package.json', 'src']);
    expect(readFileSync(join(dir, 'src', 'index.js'), 'utf8')).toBe('export const answer = 42;\n');
  });

  it('--output-dir . in a project is refused; nothing is deleted', () => {
    const dir = project();
    const run = runWukong(['bundle', '--output-dir', '.'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/not a wukong bundle/);
    expect(readdirSync(dir).sort()).toEqual(['package.json', 'src']);
    expect(existsSync(join(dir, 'src', 'index.js'))).toBe(true);
  });

  it('bundling again into a previous bundle replaces it, stale files included', () => {
    const dir = join(tempDir(), 'dist-lambda');
    const first = runWukong(['bundle', '--output-dir', dir]);
    expect(first.code, first.stderr).toBe(0);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['.wukong-bundle', 'handler.mjs', 'handler.mjs.map', 'gemm.wasm', 'lua', 'node_modules']));
    writeFileSync(join(dir, 'stale.mjs'), '// from an older bundle\n');
    const again = runWukong(['bundle', '--output-dir', dir]);
    expect(again.code, again.stderr).toBe(0);
    expect(existsSync(join(dir, 'stale.mjs'))).toBe(false);
    expect(existsSync(join(dir, 'handler.mjs'))).toBe(true);
    expect(readdirSync(join(dir, 'lua')).length).toBeGreaterThan(0);
  });
});
