import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runWukong } from '../helpers/wukong-cli.js';

/**
 * Flags that do not apply to what a command was asked to do: each was once accepted and dropped
 * without a word (exit 0), so a user believed it had effect. Each is now bad input: exit 2, one
 * line naming the flag, nothing run.
 */
const DIAMOND = 'workloads/examples/diamond.json';
const dir = mkdtempSync(join(tmpdir(), 'wk-refused-'));
const annotated = join(dir, 'annotated.json');

function expectRefused(args: string[], message: RegExp): void {
  const run = runWukong(args);
  expect(run.code, args.join(' ')).toBe(2);
  expect(run.stderr).toMatch(message);
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stdout).toBe('');
}

describe('flags that do not apply are refused (e2e)', () => {
  beforeAll(() => {
    expect(runWukong(['plan', DIAMOND, '--planner', 'uniform', '--no-metadata', '-o', annotated]).code).toBe(0);
  });

  it.each([
    [['--replan-after', 'nosuch'], /^wukong: --replan-after is for planned mode: give --planner/],
    [['--replan-stages', '1'], /^wukong: --replan-stages is for planned mode/],
    [['--replan-drift', '1.5'], /^wukong: --replan-drift is for planned mode/],
    [['--park-after-ms', '100'], /^wukong: --park-after-ms is for planned mode/],
  ])('simulate in WUKONG mode refuses the planned-mode flag %j', (flags, message) => {
    expectRefused(['simulate', DIAMOND, ...flags], message);
  });

  it.each([
    [['submit', DIAMOND, '--backend', 'lambda', '--redis', 'redis://127.0.0.1:1'], /^wukong: --redis: not for --backend lambda, whose stores and functions are the deployment's/],
    [['submit', DIAMOND, '--backend', 'lambda', '--s3-bucket', 'nosuchbucket', '--workers', '7'], /^wukong: --s3-bucket, --workers: not for --backend lambda/],
    [['submit', DIAMOND, '--lambda-config', join(dir, 'nonexist.json')], /^wukong: --lambda-config: for --backend lambda only/],
    [['replay', 'tr', '--size', '16', '--memory-mb', '1024'], /^wukong: --memory-mb: for --backend lambda only/],
  ])('flags the chosen backend does not read are refused before anything runs: %j', (args, message) => {
    expectRefused([...args, '--no-metadata'], message);
  });

  it('simulate --history at a directory that is not there is an error, not an empty history', () => {
    expectRefused(['simulate', DIAMOND, '--history', join(dir, 'nonexistent')], /^wukong: --history .*nonexistent: no such directory$/m);
  });

  it('WUKONG options on a planned run (an annotated DAG, or --planner) are refused by submit and simulate', () => {
    expectRefused(['submit', annotated, '--no-metadata', '--wukong-opts', 'none'], /^wukong: --wukong-opts: WUKONG mode only; .*annotated\.json holds a plan, which follows its plan$/m);
    expectRefused(['submit', DIAMOND, '--no-metadata', '--planner', 'uniform', '--threshold-bytes', '10'], /^wukong: --threshold-bytes: WUKONG mode only; --planner uniform makes a planned run/);
    // Before the planner runs: one that would throw is never reached.
    const throwing = join(dir, 'throwing-planner.mjs');
    writeFileSync(throwing, "export default { name: 'throws', plan() { throw new Error('the planner ran'); } };\n");
    expectRefused(['submit', DIAMOND, '--no-metadata', '--planner', throwing, '--wukong-opts', 'none'], /^wukong: --wukong-opts: WUKONG mode only; --planner .*throwing-planner\.mjs makes a planned run/);
    expectRefused(['simulate', annotated, '--no-metadata', '--inline-budget-bytes', '0'], /^wukong: --inline-budget-bytes: WUKONG mode only/);
  });

  it('the WUKONG options WUKONG mode reads are still taken there', () => {
    const run = runWukong(['simulate', DIAMOND, '--wukong-opts', 'none', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, planner: 'wukong' });
  });

  it.each([['stats'], ['clear'], ['gc', '--older-than', '1h']])('cache %s of a directory that is not there is an error, not an empty cache', (...command) => {
    expectRefused(['cache', command[0] as string, join(dir, 'no-cache'), ...command.slice(1)], /^wukong: cache .*no-cache: no such directory$/m);
  });

  it('bench checks --embedded-size in sim mode (the default) before running anything', () => {
    expectRefused(['bench', '--no-metadata', '--embedded-size', 'large'], /^wukong: --embedded-size must be small, medium; got "large"$/m);
    expectRefused(['bench', '--no-metadata', '--mode', 'embedded', '--sim-size', 'huge'], /^wukong: --sim-size must be paper, small, medium, large; got "huge"$/m);
    // A valid flag of the other mode is refused too: it would be dropped.
    expectRefused(['bench', '--no-metadata', '--mode', 'embedded', '--sim-size', 'large'], /^wukong: --sim-size: sim mode only; give --mode sim or both$/m);
    expectRefused(['bench', '--no-metadata', '--workers', '2'], /^wukong: --workers: embedded mode only/m);
    expectRefused(['bench', '--no-metadata', '--paper', '--workloads', 'tr,gemm'], /^wukong: --workloads: --paper runs the paper's own cases/m);
  });

  it('a --task-timeout longer than a Node timer can wait (24.8 days) is refused, not run with a 1 ms timer', () => {
    expectRefused(['submit', DIAMOND, '--no-metadata', '--task-timeout', '30d'], /^wukong: --task-timeout must be at most 2147483647 ms \(about 24\.8 days, the longest Node timer\), got "30d"$/m);
  });
});
