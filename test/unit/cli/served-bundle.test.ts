import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleIsStale, servedBundle } from '../../../src/cli/local-stack.js';
import { bundleOpModules, markBundleOutputDir } from '../../../src/cli/bundle-output-dir.js';

/** A directory with `dist-lambda/handler.mjs` (and, for a checkout, a `src/`). */
function dirWithBundle(withSources: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'wk-served-bundle-'));
  mkdirSync(join(dir, 'dist-lambda'));
  writeFileSync(join(dir, 'dist-lambda', 'handler.mjs'), 'export const handler = () => 1;\n');
  if (withSources) {
    mkdirSync(join(dir, 'src'));
    mkdirSync(join(dir, 'lambda'));
    writeFileSync(join(dir, 'src', 'newer.ts'), '');
    // A source edited after the bundle was built.
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(dir, 'src', 'newer.ts'), later, later);
  }
  return dir;
}

describe('the bundle `local up` serves', () => {
  it("a user project's own dist-lambda (from `wukong bundle --ops`), where it has one", () => {
    const project = dirWithBundle(false);
    const pkg = dirWithBundle(false);
    expect(servedBundle(project, pkg)).toEqual({ kind: 'project', path: join(project, 'dist-lambda', 'handler.mjs') });
  });

  it("the package's built-ins bundle for a project without one, and in the wukong checkout itself", () => {
    const project = mkdtempSync(join(tmpdir(), 'wk-served-bundle-'));
    const pkg = dirWithBundle(true);
    expect(servedBundle(project, pkg)).toEqual({ kind: 'package', path: join(pkg, 'dist-lambda', 'handler.mjs') });
    expect(servedBundle(pkg, pkg).kind).toBe('package');
  });

  it("in the wukong checkout, a bundle with user ops (its marker names them) is the user's: served, not rebuilt over", async () => {
    const checkout = dirWithBundle(true);
    await markBundleOutputDir(join(checkout, 'dist-lambda'), ['/work/my-ops.mjs']);
    expect(bundleOpModules(join(checkout, 'dist-lambda'))).toEqual(['/work/my-ops.mjs']);
    expect(servedBundle(checkout, checkout)).toEqual({ kind: 'project', path: join(checkout, 'dist-lambda', 'handler.mjs') });
    // The built-ins' bundle (no ops) stays the package's, rebuilt when stale.
    await markBundleOutputDir(join(checkout, 'dist-lambda'), []);
    expect(servedBundle(checkout, checkout).kind).toBe('package');
  });

  it('an installed package (no src/) has a bundle that is never stale; a checkout with newer sources has a stale one', () => {
    expect(bundleIsStale(dirWithBundle(false))).toBe(false);
    expect(bundleIsStale(dirWithBundle(true))).toBe(true);
  });
});
