import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMs } from '../../src/report/html/format-units.js';
import { RunReportSchema, type RunReport } from '../../src/report/run-report.js';
import { findWorkload, resolveParams } from '../../workloads/index.js';
import { generateValidDag } from '../../workloads/replay-runner.js';

/**
 * The HTML report as a user sees it: the CLI writes it, headless Chromium (Debian's `chromium`,
 * driven by playwright-core) renders it, and the test asserts on the rendered page.
 */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve('test-artifacts');

function wukong(args: string[]) {
  const result = spawnSync(process.execPath, [join(process.cwd(), 'bin/wukong.js'), ...args], { encoding: 'utf8', timeout: 180_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  browser = await chromium.launch({ executablePath: CHROMIUM });
});

afterAll(async () => {
  await browser?.close();
});

interface OpenedPage {
  readonly page: Page;
  readonly consoleErrors: string[];
  /** Every URL the page requested besides its own file. */
  readonly requests: string[];
}

async function open(htmlFile: string): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  const own = pathToFileURL(htmlFile).href;
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  page.on('request', (r) => {
    if (r.url() !== own) requests.push(r.url());
  });
  await page.goto(own);
  return { page, consoleErrors, requests };
}

/** What the page's window offers inside evaluate() (tsconfig has no DOM lib). */
interface BrowserGlobals {
  getComputedStyle(element: unknown): { stroke: string };
}

const readReport = (file: string): RunReport => RunReportSchema.parse(JSON.parse(readFileSync(file, 'utf8')));

describe('wukong submit --html (Chromium)', () => {
  it('renders a bar per task, the makespan, hover text, the critical path, with no errors or requests', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'wk-html-'));
    const json = join(dir, 'run.json');
    const html = join(dir, 'run.html');
    // Act
    const run = wukong(['submit', 'workloads/examples/gemm-2x2.json', '--report', json, '--html', html, '--workers', '2', '--no-metadata']);
    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = readReport(json);
    const criticalPath = report.metrics?.criticalPath ?? [];
    expect(criticalPath.length).toBeGreaterThan(0);
    const { page, consoleErrors, requests } = await open(html);

    expect(await page.locator('svg#gantt g.task').count()).toBe(report.tasks.length);
    expect(await page.locator('#summary td[data-metric="makespan"]').textContent()).toBe(formatMs(report.makespanMs));
    expect(await page.locator('#summary td[data-metric="lower-bound"]').textContent()).toBe(formatMs(report.metrics!.lowerBoundMs!));

    const first = report.tasks[0]!;
    const bar = page.locator(`svg#gantt g.task[data-task-id="${first.taskId}"]`);
    expect(await bar.locator('title').textContent()).toContain(`${first.taskId} (${first.op})`);
    await bar.locator('rect.exec').hover({ force: true });
    await expect.poll(() => page.locator('#tooltip').textContent()).toContain(first.taskId);
    expect(await page.locator('#tooltip').isVisible()).toBe(true);

    // A hovered critical bar stays red (thicker); the pointer still rests on the first task here.
    const critical = page.locator('svg#gantt g.task[data-critical="true"]');
    expect((await critical.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-task-id')))).sort()).toEqual([...criticalPath].sort());
    const stroke = await critical.first().locator('rect.exec').evaluate((r) => (globalThis as unknown as BrowserGlobals).getComputedStyle(r).stroke);
    expect(stroke).toBe('rgb(213, 0, 0)');
    const plainStroke = await page.locator('svg#gantt g.task:not(.critical) rect.exec').first().evaluate((r) => (globalThis as unknown as BrowserGlobals).getComputedStyle(r).stroke);
    expect(plainStroke).not.toBe('rgb(213, 0, 0)');

    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'html-report.png'), fullPage: true });
    expect(existsSync(join(ARTIFACTS, 'html-report.png'))).toBe(true);
    await page.close();
  }, 180_000);
});

describe('a replay whose verification failed (Chromium)', () => {
  it('replay --html and report --html show the failed verification, not "Status ok"; report says it in text and JSON', async () => {
    // Prepare: four training samples for one round cannot reach the accuracy threshold (replay.test.ts)
    const dir = mkdtempSync(join(tmpdir(), 'wk-html-verify-'));
    const json = join(dir, 'vf.json');
    const html = join(dir, 'vf.html');
    const again = join(dir, 'again.html');
    // Act
    const replay = wukong(['replay', 'svc', '--size', 'small', '--param', 'samples=4', '--param', 'rounds=1', '--workers', '2', '--no-metadata', '--report', json, '--html', html]);
    const text = wukong(['report', json, '--html', again]);
    const asJson = wukong(['report', json, '--json']);
    // Assess: replay's own verdict
    expect(replay.code).toBe(1);
    expect(replay.stdout).toMatch(/FAIL held-out accuracy: 0\.\d+ >= 0\.95/);
    // Both pages: the failed check atop the page, in the status row, and in the checks table
    for (const file of [html, again]) {
      const { page, consoleErrors, requests } = await open(file);
      expect(await page.locator('#verification-failed').textContent()).toMatch(/^Verification failed: held-out accuracy: 0\.\d+ >= 0\.95$/);
      expect(await page.locator('#summary td[data-metric="status"]').textContent()).toBe('run ok, verification FAIL: held-out accuracy');
      expect(await page.locator('#verification-verdict').getAttribute('data-ok')).toBe('false');
      expect(await page.locator('#verification tr[data-check-ok="false"]').count()).toBe(1);
      expect(await page.locator('#verification tr[data-check-ok="true"]').count()).toBeGreaterThan(0);
      expect(consoleErrors).toEqual([]);
      expect(requests).toEqual([]);
      await page.close();
    }
    // report: the verdict and the failed check, as replay printed them; report exits 0 as for a failed run
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^FAILED verification: svc-/);
    expect(text.stdout).toMatch(/^ {2}verification {5}FAIL \(\d+ ms\)$/m);
    expect(text.stdout).toMatch(/^ {4}FAIL held-out accuracy: 0\.\d+ >= 0\.95$/m);
    const parsed = JSON.parse(asJson.stdout) as { ok: boolean; verification: { ok: boolean; checks: { name: string; ok: boolean }[] } };
    expect(parsed.ok).toBe(false);
    expect(parsed.verification.ok).toBe(false);
    expect(parsed.verification.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['held-out accuracy']);
    // Compared with another run, the failed verification is named too: its figures may be fast but wrong.
    const compared = wukong(['report', json, json]);
    expect(compared.code).toBe(0);
    expect(compared.stderr).toMatch(/^wukong: warning: B \(.*vf\.json\) failed its replay's verification: held-out accuracy: 0\.\d+ >= 0\.95$/m);
  }, 180_000);

  it('a verified replay shows PASS, and its status stays "ok"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wk-html-verified-'));
    const json = join(dir, 'tr.json');
    const html = join(dir, 'tr.html');
    expect(wukong(['replay', 'tr', '--size', '16', '--workers', '2', '--no-metadata', '--report', json, '--html', html]).code).toBe(0);
    const { page } = await open(html);
    expect(await page.locator('#summary td[data-metric="status"]').textContent()).toBe('ok');
    expect(await page.locator('#verification-failed').count()).toBe(0);
    expect(await page.locator('#verification-verdict').getAttribute('data-ok')).toBe('true');
    await page.close();
    const report = wukong(['report', json, '--json']);
    expect(JSON.parse(report.stdout)).toMatchObject({ ok: true, verification: { ok: true } });
    expect(wukong(['report', json]).stdout).toMatch(/^ok: tr-16[\s\S]*verification {5}PASS/);
  }, 180_000);
});

describe('wukong simulate --html and wukong report --html (Chromium)', () => {
  it('renders a simulated run, and `report --dag` renders the same run from its JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wk-html-sim-'));
    const json = join(dir, 'sim.json');
    const html = join(dir, 'sim.html');
    const sim = wukong(['simulate', 'workloads/examples/tree-reduction-16.json', '--report', json, '--html', html, '--no-metadata']);
    expect(sim.stderr).toBe('');
    expect(sim.code).toBe(0);
    const report = readReport(json);
    expect(report.backend).toBe('simulated');

    const opened = await open(html);
    expect(await opened.page.locator('svg#gantt g.task').count()).toBe(report.tasks.length);
    expect(await opened.page.locator('#summary td[data-metric="makespan"]').textContent()).toBe(formatMs(report.makespanMs));
    expect(await opened.page.locator('svg#gantt g.task[data-critical="true"]').count()).toBeGreaterThan(0);
    expect(opened.consoleErrors).toEqual([]);
    expect(opened.requests).toEqual([]);
    await opened.page.screenshot({ path: join(ARTIFACTS, 'html-report-simulated.png'), fullPage: true });
    await opened.page.close();

    const again = join(dir, 'again.html');
    const cli = wukong(['report', json, '--html', again, '--dag', 'workloads/examples/tree-reduction-16.json']);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/lower bound\s+[\d.]+(ms|s); makespan \/ lower bound [\d.]+/);
    const reopened = await open(again);
    expect(await reopened.page.locator('svg#gantt g.task').count()).toBe(report.tasks.length);
    expect(await reopened.page.locator('svg#gantt g.task[data-critical="true"]').count()).toBeGreaterThan(0);
    await reopened.page.close();
  }, 180_000);

  it('renders a 16,383-task simulated run as an aggregate chart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wk-html-big-'));
    const dagFile = join(dir, 'tr.json');
    const workload = findWorkload('tr')!;
    writeFileSync(dagFile, JSON.stringify(generateValidDag(workload, resolveParams(workload, { size: '8192', overrides: {} }))));
    const html = join(dir, 'big.html');
    const sim = wukong(['simulate', dagFile, '--html', html, '--no-metadata', '--json']);
    expect(sim.stderr).toBe('');
    expect(sim.code).toBe(0);
    expect((JSON.parse(sim.stdout) as { tasks: number }).tasks).toBe(16_383);

    const { page, consoleErrors, requests } = await open(html);
    expect(await page.locator('svg#gantt.aggregate').count()).toBe(1);
    expect(await page.locator('#aggregate-note').textContent()).toContain('16,383 tasks');
    expect(await page.locator('#summary td[data-metric="tasks"]').textContent()).toContain('16,383');
    const bars = await page.locator('svg#gantt g.task').count();
    expect(bars).toBeGreaterThan(0);
    expect(bars).toBe(await page.locator('svg#gantt g.task[data-critical="true"]').count());
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'html-report-aggregate.png'), fullPage: true });
    await page.close();
  }, 180_000);
});

describe('time by op, plan vs actual, and two runs compared (Chromium)', () => {
  it('shows each op\'s summed time, the plan\'s forecast beside the run, and a page comparing two runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wk-html-cmp-'));
    const planned = join(dir, 'planned.json');
    const plannedRun = join(dir, 'planned-run.json');
    const wukongRun = join(dir, 'wukong-run.json');
    const html = join(dir, 'planned.html');
    const compared = join(dir, 'compared.html');
    expect(wukong(['plan', 'workloads/examples/gemm-2x2.json', '--planner', 'uniform', '-o', planned, '--metadata', join(dir, 'no-history')]).code).toBe(0);
    const submitted = wukong(['submit', planned, '--report', plannedRun, '--html', html, '--no-metadata']);
    expect(submitted.stderr).toBe('');
    expect(submitted.code).toBe(0);
    expect(wukong(['submit', 'workloads/examples/gemm-2x2.json', '--report', wukongRun, '--no-metadata']).code).toBe(0);
    const plan = JSON.parse(readFileSync(planned, 'utf8')).plan as { predicted: { makespanMs: number }; schedule: Record<string, [number, number]> };
    const run = readReport(plannedRun);

    const { page, consoleErrors, requests } = await open(html);
    const ops = [...new Set(run.tasks.map((t) => t.op))];
    expect(await page.locator('#time-by-op tbody tr').count()).toBe(ops.length);
    for (const op of ops) {
      const execMs = run.tasks.filter((t) => t.op === op).reduce((sum, t) => sum + t.execMs, 0);
      const cell = page.locator(`#time-by-op tr[data-op="${op}"] td[data-metric="exec"]`);
      expect(Number(await cell.getAttribute('data-value'))).toBeCloseTo(execMs, 6);
    }
    expect(Object.keys(plan.schedule).length).toBe(run.summary.tasks);
    expect(await page.locator('svg#gantt rect.predicted').count()).toBe(run.tasks.filter((t) => !t.dup).length);
    expect(Number(await page.locator('#plan-vs-actual td[data-metric="predicted-makespan"]').getAttribute('data-value'))).toBe(plan.predicted.makespanMs);
    expect(await page.locator('#plan-vs-actual table.forecast-misses tbody tr').count()).toBe(Math.min(10, run.summary.tasks));
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'html-report-plan-vs-actual.png'), fullPage: true });
    await page.close();

    const cli = wukong(['report', wukongRun, plannedRun, '--html', compared, '--json']);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const a = readReport(wukongRun);
    const figures = JSON.parse(cli.stdout).figures as { metric: string; ratio: number }[];
    expect(figures.find((f) => f.metric === 'makespan')?.ratio).toBeCloseTo(run.makespanMs / a.makespanMs, 9);
    const page2 = await open(compared);
    expect(Number(await page2.page.locator('#comparison tr[data-metric="makespan"] td.ratio').getAttribute('data-value'))).toBeCloseTo(run.makespanMs / a.makespanMs, 9);
    expect(await page2.page.locator('#chart-a svg g.task').count()).toBe(a.tasks.length);
    expect(await page2.page.locator('#chart-b svg g.task').count()).toBe(run.tasks.length);
    // One time axis: both charts end at the same tick.
    const lastTick = (id: string) => page2.page.locator(`#chart-${id} .tick-label`).last().textContent();
    expect(await lastTick('a')).toBe(await lastTick('b'));
    expect(page2.consoleErrors).toEqual([]);
    expect(page2.requests).toEqual([]);
    await page2.page.screenshot({ path: join(ARTIFACTS, 'html-report-compare.png'), fullPage: true });
    await page2.page.close();

    const three = wukong(['report', wukongRun, plannedRun, wukongRun]);
    expect(three.code).toBe(2);
    expect(three.stderr).toContain('one run report, or two to compare');
  }, 180_000);
});

describe('wukong report: bad input (exit 2, no stack trace)', () => {
  it('rejects a file that is not a run report, and a DAG that is not the run’s', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wk-html-bad-'));
    const notReport = join(dir, 'x.json');
    writeFileSync(notReport, JSON.stringify({ hello: 1 }));
    const bad = wukong(['report', notReport, '--html', join(dir, 'x.html')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/x\.json is not a run report: report reads the JSON that submit, simulate or replay write with --report FILE/);
    expect(bad.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(dir, 'x.html'))).toBe(false);

    const json = join(dir, 'sim.json');
    expect(wukong(['simulate', 'workloads/examples/tree-reduction-16.json', '--report', json, '--no-metadata']).code).toBe(0);
    const wrongDag = wukong(['report', json, '--html', join(dir, 'y.html'), '--dag', 'workloads/examples/diamond.json']);
    expect(wrongDag.code).toBe(2);
    expect(wrongDag.stderr).toMatch(/task "[^"]+" of run sim-1 is not in workloads\/examples\/diamond\.json/);
    expect(existsSync(join(dir, 'y.html'))).toBe(false);
  }, 120_000);
});
