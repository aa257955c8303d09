import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE_MARKER_FILE, checkBundleOutputDir, emptyBundleOutputDir } from '../../../src/cli/bundle-output-dir.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'wk-bundle-dir-'));

function withFiles(names: readonly string[]): string {
  const dir = tempDir();
  for (const name of names) writeFileSync(join(dir, name), 'x');
  return dir;
}

describe('which directories wukong bundle may empty', () => {
  it('a missing directory, an empty one, and one marked by a previous bundle are accepted', async () => {
    await expect(checkBundleOutputDir(join(tempDir(), 'missing', 'deep'))).resolves.toBeUndefined();
    await expect(checkBundleOutputDir(tempDir())).resolves.toBeUndefined();
    await expect(checkBundleOutputDir(withFiles([BUNDLE_MARKER_FILE, 'handler.mjs', 'notes.txt']))).resolves.toBeUndefined();
  });

  it('a bundle from before the marker (only the files a bundle writes, a handler among them) is accepted', async () => {
    const dir = withFiles(['handler.mjs', 'handler.mjs.map', 'gemm.wasm']);
    mkdirSync(join(dir, 'lua'));
    mkdirSync(join(dir, 'node_modules'));
    await expect(checkBundleOutputDir(dir)).resolves.toBeUndefined();
  });

  it('anything else is refused, naming the directory and what is in it', async () => {
    const project = withFiles(['package.json', 'wukong.config.json']);
    mkdirSync(join(project, 'src'));
    await expect(checkBundleOutputDir(project)).rejects.toThrow(`${project} holds files that are not a wukong bundle (package.json, src, wukong.config.json)`);
    // Only node_modules: the names a bundle writes, but no handler, so no bundle.
    const installed = tempDir();
    mkdirSync(join(installed, 'node_modules'));
    await expect(checkBundleOutputDir(installed)).rejects.toThrow(/not a wukong bundle \(node_modules\)/);
    const file = join(withFiles(['handler.mjs']), 'handler.mjs');
    await expect(checkBundleOutputDir(file)).rejects.toThrow(/exists and is not a directory/);
    const many = withFiles(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    await expect(checkBundleOutputDir(many)).rejects.toThrow(/\(a, b, c, d, e, \.\.\. \(7 entries\)\)/);
  });

  it('emptying keeps the directory itself (it may be the working directory) and removes everything in it', async () => {
    const dir = withFiles([BUNDLE_MARKER_FILE, 'handler.mjs']);
    mkdirSync(join(dir, 'lua'));
    writeFileSync(join(dir, 'lua', 'claim.lua'), 'x');
    await emptyBundleOutputDir(dir);
    expect(existsSync(dir)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });
});
