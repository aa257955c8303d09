import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runWukong } from '../helpers/wukong-cli.js';

/** What `report` expects, said in every message about a file that is not a run report. */
const EXPECTS = /report reads the JSON that submit, simulate or replay write with --report FILE/;

let dir: string;
let runReport: string;
let replayReport: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wk-report-msg-'));
  runReport = join(dir, 'run.json');
  replayReport = join(dir, 'rr.json');
  const simulated = runWukong(['simulate', 'workloads/examples/diamond.json', '--report', runReport, '--no-metadata']);
  expect(simulated.code, simulated.stderr).toBe(0);
  const replayed = runWukong(['replay', 'tr', '--size', '16', '--repeat', '2', '--workers', '2', '--no-metadata', '--report', replayReport]);
  expect(replayed.code, replayed.stderr).toBe(0);
}, 120_000);

describe('wukong report: messages name the flag typed and what report expects (e2e)', () => {
  it('--run-number on a single run report, or past the last run of a replay report, is named as --run-number', () => {
    const single = runWukong(['report', runReport, '--run-number', '5']);
    expect(single.code).toBe(2);
    expect(single.stderr).toMatch(/--run-number applies to replay reports; .*run\.json is a single run report/);
    const past = runWukong(['report', replayReport, '--run-number', '5']);
    expect(past.code).toBe(2);
    expect(past.stderr).toMatch(/--run-number 5: .*rr\.json holds 2 run\(s\)/);
    // The deprecated --run still works; its warning and the error both name --run-number.
    const alias = runWukong(['report', replayReport, '--run', '5']);
    expect(alias.code).toBe(2);
    expect(alias.stderr).toMatch(/--run is deprecated; use --run-number/);
    expect(alias.stderr).toMatch(/wukong: --run-number 5: /);
  });

  it('a DAG, an annotated DAG, malformed JSON or a directory is said not to be a run report', () => {
    const dag = runWukong(['report', 'workloads/examples/diamond.json']);
    expect(dag.code).toBe(2);
    expect(dag.stderr).toMatch(/diamond\.json is a DAG, not a run report: /);
    expect(dag.stderr).toMatch(EXPECTS);
    expect(dag.stderr).not.toMatch(/expected 1/);

    const annotated = join(dir, 'annotated.json');
    expect(runWukong(['plan', 'workloads/examples/diamond.json', '--no-metadata', '-o', annotated]).code).toBe(0);
    expect(runWukong(['report', annotated]).stderr).toMatch(/annotated\.json is an annotated DAG \(a plan\), not a run report/);

    const malformed = join(dir, 'malformed.json');
    writeFileSync(malformed, '{"tasks": [\n');
    const broken = runWukong(['report', malformed]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/malformed\.json is not a run report: not valid JSON at line 2, column 1/);
    expect(broken.stderr).toMatch(EXPECTS);
    expect(broken.stderr).not.toMatch(/invalid DAG/);

    expect(runWukong(['report', dir]).stderr).toMatch(/is a directory, not a run report/);
  });

  it('a DAG given with --run-number is still said to be a DAG, not a single run report', () => {
    const run = runWukong(['report', 'workloads/examples/diamond.json', '--run-number', '2']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/diamond\.json is a DAG, not a run report/);
  });
});
