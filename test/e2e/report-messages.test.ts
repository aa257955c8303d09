import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runWukong } from '../helpers/wukong-cli.js';
import { BAD_SHAPES_DAG } from '../helpers/failing-dags.js';

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

describe('wukong report: what a report must not leave out (e2e)', () => {
  it('two runs of different DAGs: a warning names both DAGs (the ratios compare different work)', () => {
    // Act: a diamond run against a tr replay; then two runs of one DAG
    const unrelated = runWukong(['report', runReport, replayReport]);
    const related = runWukong(['report', replayReport, replayReport]);
    // Assess
    expect(unrelated.code).toBe(0);
    expect(unrelated.stdout).toMatch(/B \/ A/);
    expect(unrelated.stderr).toMatch(/^wukong: warning: comparing runs of different DAGs: A \(.*run\.json\) ran diamond, B \(.*rr\.json\) ran tr-16\S*; the B \/ A ratios compare different work$/m);
    expect(related.code).toBe(0);
    expect(related.stderr).toBe('');
  });

  it('simulate and replay reports carry their critical path and lower bound: report needs no --dag', () => {
    for (const file of [runReport, replayReport]) {
      const shown = runWukong(['report', file]);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toMatch(/lower bound +\S+ms; makespan \/ lower bound/);
      expect(shown.stdout).toMatch(/critical path +\d+ tasks from/);
      expect(shown.stdout).not.toContain('pass --dag');
    }
  });

  it('a failed run: the text report names the failed task and its message, as the HTML page does', () => {
    // Prepare: a matmul of two 2x3 matrices fails at task c
    const dag = join(dir, 'bad-shapes.json');
    const failedRun = join(dir, 'failed.json');
    writeFileSync(dag, JSON.stringify(BAD_SHAPES_DAG));
    expect(runWukong(['submit', dag, '--report', failedRun, '--no-metadata', '--workers', '2']).code).toBe(1);
    // Act
    const text = runWukong(['report', failedRun]);
    const json = runWukong(['report', failedRun, '--json']);
    // Assess
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^FAILED: bad-shapes/);
    // Named once: the op's message already begins "task c (op ...)".
    expect(text.stdout).toMatch(/^ {2}failed at {8}task c \(op matrix\.matmul\) failed: .*inner dimensions differ: 2x3 \* 2x3$/m);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, failure: { taskId: 'c', message: expect.stringContaining('inner dimensions differ') } });
    // Compared, a failed run's figures stop where it failed: each side says so.
    const compared = runWukong(['report', failedRun, failedRun]);
    expect(compared.code).toBe(0);
    expect(compared.stderr.match(/^wukong: warning: [AB] \(.*failed\.json\) failed at task c: its figures stop where it failed$/gm)).toHaveLength(2);
  });

  it('help names --run-number, not the deprecated --run', () => {
    const help = runWukong(['report', '--help']);
    expect(help.stdout).toContain('--run-number');
    expect(help.stdout).not.toMatch(/--run(?![\w-])/);
  });
});

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
