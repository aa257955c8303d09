import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Docs that run: every README block fenced as `sh runnable` runs in a temporary directory holding a
 * copy of workloads/ (with `npx wukong`, `wukong` and `node bin/wukong.js` meaning this checkout's bin), under `set -e`,
 * and every DAG JSON block shown validates. Mark only blocks that need nothing but the checkout and
 * finish in seconds.
 */
const repo = process.cwd();
const readme = readFileSync(join(repo, 'README.md'), 'utf8');

interface Block {
  readonly info: string;
  readonly body: string;
  readonly line: number;
}

function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^```(.*)$/.exec(lines[i] as string);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i += 1; i < lines.length && lines[i] !== '```'; i += 1) body.push(lines[i] as string);
    blocks.push({ info: (open[1] as string).trim(), body: body.join('\n'), line: start + 1 });
  }
  return blocks;
}

const blocks = fencedBlocks(readme);
const runnable = blocks.filter((b) => /^sh\s+runnable\b/.test(b.info));
const dagBlocks = blocks.filter((b) => b.info === 'json' && /"tasks"\s*:/.test(b.body));

/** Runs the block's lines one by one with `npx wukong` / `wukong` bound to this checkout. */
function runBlock(block: Block, cwd: string) {
  const prelude = [
    'set -euo pipefail',
    `wukong() { node ${JSON.stringify(join(repo, 'bin/wukong.js'))} "$@"; }`,
    'npx() { if [ "$1" = wukong ]; then shift; wukong "$@"; else command npx "$@"; fi; }',
    // Each command is echoed first, so a failure names its line.
    'set -x',
  ].join('\n');
  const script = join(cwd, `block-${block.line}.sh`);
  writeFileSync(script, `${prelude}\n${block.body}\n`);
  // As a user runs them: history in the working directory's .wukong/metadata, which README names
  // (`--history .wukong/metadata`), not the isolated location the test setup gives other tests.
  const { WUKONG_METADATA: _isolated, ...env } = process.env;
  return spawnSync('bash', [script], { cwd, encoding: 'utf8', timeout: 240_000, env: { ...env, PS4: '+ README: ' } });
}

describe('README (e2e: the docs run)', () => {
  it('marks the CLI tour runnable and shows at least one DAG', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(2);
    const tour = runnable.map((b) => b.body).join('\n');
    for (const command of ['validate', 'submit', 'replay', 'plan', 'report', 'simulate', 'metadata']) expect(tour).toMatch(new RegExp(`(?:npx wukong|node bin/wukong\\.js) ${command}\\b`));
    expect(dagBlocks.length).toBeGreaterThan(0);
  });

  const workdir = mkdtempSync(join(tmpdir(), 'wk-readme-'));
  cpSync(join(repo, 'workloads'), join(workdir, 'workloads'), { recursive: true });
  // README runs the CLI as `node bin/wukong.js` from the repository root: the same path works here.
  symlinkSync(join(repo, 'bin'), join(workdir, 'bin'));

  for (const block of runnable) {
    it(`runs the block at README.md:${block.line}`, { timeout: 300_000 }, () => {
      const result = runBlock(block, workdir);
      const trace = `${result.stderr}`.split('\n').slice(-25).join('\n');
      expect(result.status, `README.md:${block.line} failed; last lines:\n${trace}`).toBe(0);
      expect(result.stderr).not.toMatch(/unexpected error|^\s+at /m);
    });
  }

  for (const block of dagBlocks) {
    it(`the DAG JSON at README.md:${block.line} validates`, () => {
      const file = join(workdir, `dag-${block.line}.json`);
      writeFileSync(file, block.body);
      const result = spawnSync(process.execPath, [join(repo, 'bin/wukong.js'), 'validate', file], { encoding: 'utf8' });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    });
  }
});
