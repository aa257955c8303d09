import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWukong } from '../helpers/wukong-cli.js';

const wukong = (args: string[], cwd?: string) => runWukong(args, { cwd });

describe('--plan-timeout (e2e)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wukong-plan-timeout-'));
  writeFileSync(join(dir, 'never.mjs'), "export default { name: 'never', plan() { return new Promise(() => {}); } };\n");
  writeFileSync(join(dir, 'dag.json'), JSON.stringify({ tasks: [{ id: 'a', op: 'synthetic.work', args: { ms: 0 } }] }));

  it.each([['plan'], ['submit'], ['simulate']])('%s: a planner that never resolves fails with exit 2, naming the planner and the limit', (command) => {
    const started = Date.now();
    const run = wukong([command, 'dag.json', '--planner', './never.mjs', '--plan-timeout', '300ms'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('planner never did not finish within 300 ms (--plan-timeout)');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it.each([['plan'], ['submit'], ['simulate'], ['replay']])('%s --help names --plan-timeout and its default', (command) => {
    const run = wukong([command, '--help'], dir);
    expect(run.code).toBe(0);
    // The help wraps its columns to the terminal: the default may start a line of its own.
    expect(run.stdout).toMatch(/--plan-timeout <duration>[\s\S]*default:\s+"60s"/);
  });

  it('a bad --plan-timeout is refused, naming the flag', () => {
    const run = wukong(['plan', 'dag.json', '--planner', './never.mjs', '--plan-timeout', 'soon'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--plan-timeout must be a duration');
  });
});
