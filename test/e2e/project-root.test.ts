import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findProjectConfig, findProjectRoot } from '../../src/cli/project-root.js';

const BIN = resolve('bin/wukong.js');
const DAG = resolve('workloads/examples/diamond.json');
function wukong(args: string[], cwd: string) {
  const env = { ...process.env };
  delete env.WUKONG_METADATA;
  delete env.WUKONG_HOME;
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env });
}

describe('.wukong state resolves from the project root', () => {
  it('plan from a subdirectory plans from the history recorded at the root, and says which root', () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'wukong-root-')));
    expect(wukong(['submit', DAG, '--workers', '2'], root).status).toBe(0);
    const sub = join(root, 'src', 'deep');
    mkdirSync(sub, { recursive: true });
    const run = wukong(['plan', DAG, '--planner', 'uniform', '--json'], sub);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).metadata).toContain(join(root, '.wukong', 'metadata'));
    expect(run.stderr).toBe(`wukong: project state in ${join(root, '.wukong')} (nearest directory with .wukong/)\n`);
  });

  it('WUKONG_HOME wins over the nearest root; wukong.config.json marks one; else the working directory', () => {
    const base = realpathSync(mkdtempSync(join(tmpdir(), 'wukong-root-')));
    const inner = join(base, 'a', 'b');
    mkdirSync(inner, { recursive: true });
    expect(findProjectRoot(inner, {}).reason).not.toBe('WUKONG_HOME');
    expect(findProjectRoot(inner, { WUKONG_HOME: base })).toEqual({ dir: base, reason: 'WUKONG_HOME' });
    mkdirSync(join(base, 'a', '.wukong'));
    expect(findProjectRoot(inner, {})).toEqual({ dir: join(base, 'a'), reason: '.wukong/' });
  });

  it('the project config is the working directory\'s, else the project root\'s; none past a root without one', () => {
    const base = realpathSync(mkdtempSync(join(tmpdir(), 'wukong-root-')));
    const inner = join(base, 'a', 'b');
    mkdirSync(inner, { recursive: true });
    expect(findProjectConfig(inner, {})).toBeUndefined();
    writeFileSync(join(base, 'wukong.config.json'), '{}');
    expect(findProjectConfig(inner, {})).toBe(join(base, 'wukong.config.json'));
    writeFileSync(join(inner, 'wukong.config.json'), '{}');
    expect(findProjectConfig(inner, {})).toBe(join(inner, 'wukong.config.json'));
  });
});
