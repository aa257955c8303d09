import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * wukong is an ES module; a CommonJS `require('wukong')` gets an error saying how to load it (it
 * got Node's 'No "exports" main defined'), and `import('wukong')` from CommonJS works.
 * The package is linked into a scratch node_modules as an install would place it.
 */
describe('wukong from CommonJS', () => {
  const project = mkdtempSync(join(tmpdir(), 'wk-cjs-'));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(process.cwd(), join(project, 'node_modules', 'wukong'), 'dir');
  const node = (code: string) => spawnSync(process.execPath, ['-e', code], { cwd: project, encoding: 'utf8', timeout: 60_000 });

  it('require() says it is an ES module and how to import it', () => {
    const required = node("require('wukong')");
    expect(required.status).toBe(1);
    expect(required.stderr).toContain('wukong is an ES module and cannot be loaded with require()');
    expect(required.stderr).toContain("await import('wukong')");
  });

  it('import() from CommonJS gives the library', () => {
    const imported = node("import('wukong').then((m) => console.log(typeof m.submit, typeof m.defineOp))");
    expect(imported.stderr).toBe('');
    expect(imported.stdout.trim()).toBe('function function');
  });
});
