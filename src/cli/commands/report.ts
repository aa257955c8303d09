import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type * as z from 'zod';
import { Dag } from '../../dag/dag.js';
import { DagSpecSchema, type DagSpec } from '../../model/dag-schema.js';
import { BadInputError } from '../../model/errors.js';
import { DagValidationError } from '../../dag/dag-problem.js';
import { AnnotatedDagSchema, looksAnnotated, type Plan } from '../../model/annotated-dag.js';
import { formatBytes, formatMs } from '../../report/html/format-units.js';
import { RunReportSchema, type RunReport } from '../../report/run-report.js';
import { computeRunMetrics, type RunMetrics } from '../../report/run-metrics.js';
import { writeHtmlReport } from '../../report/write-html-report.js';
import { formatFigure, renderComparisonHtml } from '../../report/html-compare.js';
import { compareRuns, type RunComparison } from '../../report/run-comparison.js';
import { renderTable } from '../../report/text-table.js';
import { ReplayReportSchema, verificationMade } from '../../../workloads/replay-report.js';
import { formatVerificationLines, type Verification } from '../../report/verification.js';
import { printable } from '../../model/printable.js';
import { failureText } from '../../report/failure-text.js';
import { comparisonWarnings } from '../comparison-warnings.js';
import { parseIntegerOption } from '../parse-options.js';
import { readJsonFile } from '../read-dag-file.js';
import { withDeprecatedAlias } from '../deprecated-alias.js';

interface ReportFlags {
  html?: string;
  dag?: string;
  runNumber?: string;
  json?: boolean;
}

/**
 * `wukong report <run.json|sim.json|replay.json>`: the run's metrics (lower bound, critical
 * path, transfer on/off it, peak bytes held) and, with --html, the self-contained HTML page.
 */
export function registerReportCommand(program: Command): void {
  const report = program
    .command('report')
    .description('summarize a run report (submit/simulate --report, or replay --report) and render it as one HTML page')
    .argument('<reports...>', 'run report JSON (a replay report: its last run, or --run-number N, and its verification); two reports: compare them')
    .option('--html <file>', 'write a self-contained HTML page: Gantt chart, critical path, summary, time by op, plan vs actual (two reports: a comparison page)')
    .option('--dag <file>', "the run's DAG, or annotated DAG (adds its plan and plan vs actual): needed for the critical path and lower bound unless the report carries them")
    .option('--run-number <n>', 'replay reports: which run, from 1 (default: the last)')
    .option('--json', 'print the metrics as one JSON object');
  withDeprecatedAlias(report, '--run <n>', '--run-number <n>').action(async (files: string[], flags: ReportFlags) => {
      if (files.length > 2) throw new BadInputError(`report takes one run report, or two to compare; got ${files.length}`);
      const runs = [];
      for (const file of files) {
        const { report, verification } = await readRunReport(file, flags.runNumber);
        const { dag, plan } = flags.dag ? await readDag(flags.dag, report) : { dag: undefined, plan: undefined };
        const metrics = dag ? computeRunMetrics(report, dag) : (report.metrics ?? computeRunMetrics(report));
        runs.push({ file, report, verification, dag, plan, metrics });
      }
      const [a, b] = runs as [(typeof runs)[number], (typeof runs)[number] | undefined];
      if (b) {
        const pair = [{ label: a.file, report: a.report, metrics: a.metrics }, { label: b.file, report: b.report, metrics: b.metrics }] as const;
        if (flags.html) await writeFile(flags.html, renderComparisonHtml(...pair));
        const comparison = compareRuns(a.report, a.metrics, b.report, b.metrics);
        for (const warning of comparisonWarnings(a, b)) process.stderr.write(`wukong: warning: ${warning}\n`);
        if (flags.json) process.stdout.write(`${JSON.stringify({ a: a.file, b: b.file, ...comparison, ...(flags.html ? { html: flags.html } : {}) })}\n`);
        else process.stdout.write(formatComparison(a.file, b.file, comparison, flags.html));
        return;
      }
      if (flags.html) await writeHtmlReport(flags.html, a.report, { dag: a.dag, plan: a.plan, verification: a.verification });
      if (flags.json) process.stdout.write(`${JSON.stringify(metricsJson(a.report, a.metrics, a.verification, flags.html))}\n`);
      else process.stdout.write(formatMetrics(a.report, a.metrics, a.verification, flags.html));
    });
}

/** What `report` reads, for messages about a file that is something else. */
const REPORT_EXPECTS = 'report reads the JSON that submit, simulate or replay write with --report FILE';

/** The run to report on and, from a replay report, the verification of its outputs (where one was made). */
interface ReportedRun {
  readonly report: RunReport;
  readonly verification?: Verification | undefined;
}

async function readRunReport(file: string, run: string | undefined): Promise<ReportedRun> {
  const json = await readReportJson(file);
  if (typeof json === 'object' && json !== null && 'runs' in json) {
    const replay = parseOrBadInput(ReplayReportSchema, json, `${file} (replay report)`);
    if (replay.runs.length === 0) throw new BadInputError(`${file}: the replay report holds no runs`);
    // --run is the deprecated spelling; its warning already names --run-number, so the messages do too.
    const index = parseIntegerOption(run, '--run-number', replay.runs.length, 1);
    const chosen = replay.runs[index - 1];
    if (!chosen) throw new BadInputError(`--run-number ${index}: ${file} holds ${replay.runs.length} run(s)`);
    // The replay verified the first run's outputs and that every repeat returned the same bits: one verdict for all its runs.
    return { report: chosen, verification: verificationMade(replay) };
  }
  if (!looksLikeRunReport(json)) throw new BadInputError(`${file} is ${dagKind(json) ?? ''}not a run report: ${REPORT_EXPECTS}`);
  if (run !== undefined) throw new BadInputError(`--run-number applies to replay reports; ${file} is a single run report`);
  return { report: parseOrBadInput(RunReportSchema, json, `${file} (run report)`) };
}

/** The report file's JSON; bad JSON is named as a report's problem, not a DAG's (the shared reader's wording). */
async function readReportJson(file: string): Promise<unknown> {
  try {
    return await readJsonFile(file, 'a run report');
  } catch (error) {
    if (!(error instanceof DagValidationError)) throw error;
    throw new BadInputError(`${file} is not a run report: ${error.problems.map((p) => p.message).join('; ')} (${REPORT_EXPECTS})`, { cause: error });
  }
}

/** A run report of this or another version: its schema problems are worth naming field by field. */
function looksLikeRunReport(json: unknown): boolean {
  return typeof json === 'object' && json !== null && 'runId' in json && 'makespanMs' in json;
}

/** `a DAG, ` for a DAG given where its run's report belongs (the likeliest mix-up), else undefined. */
function dagKind(json: unknown): string | undefined {
  if (looksAnnotated(json)) return 'an annotated DAG (a plan), ';
  const tasks = typeof json === 'object' && json !== null && 'tasks' in json ? json.tasks : undefined;
  if (Array.isArray(tasks) && tasks.some((task) => typeof task === 'object' && task !== null && 'op' in task)) return 'a DAG, ';
  return undefined;
}

/** The DAG (and plan, from an annotated DAG); every task of the report must be one of its tasks. */
async function readDag(file: string, report: RunReport): Promise<{ dag: Dag; plan: Plan | undefined }> {
  const json = await readJsonFile(file);
  let spec: DagSpec;
  let plan: Plan | undefined;
  if (looksAnnotated(json)) {
    const annotated = parseOrBadInput(AnnotatedDagSchema, json, `${file} (annotated DAG)`);
    spec = annotated.dag;
    plan = annotated.plan;
  } else {
    spec = parseOrBadInput(DagSpecSchema, json, `${file} (DAG)`);
  }
  const dag = Dag.fromSpec(spec);
  const stranger = report.tasks.find((t) => !dag.has(t.taskId));
  if (stranger) throw new BadInputError(`task "${stranger.taskId}" of run ${report.runId} is not in ${file}: is it the run's DAG?`);
  return { dag, plan };
}

function parseOrBadInput<S extends z.ZodType>(schema: S, json: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  throw new BadInputError(`${what} is not valid${where}: ${issue?.message ?? 'unknown problem'}`);
}

/** The first word of the text report: a run that completed with outputs its replay rejected is not ok. */
function verdict(report: RunReport, verification: Verification | undefined): string {
  if (!report.ok) return 'FAILED';
  return verification?.ok === false ? 'FAILED verification' : 'ok';
}

function formatMetrics(report: RunReport, m: RunMetrics, verification: Verification | undefined, html: string | undefined): string {
  const unknown = 'unknown (pass --dag)';
  const lines = [
    `${verdict(report, verification)}: ${report.dagName} (run ${report.runId}, ${report.backend})`,
    // A failed run's figures stop where it failed: say where, as the HTML page does.
    ...(report.ok ? [] : [`  failed at        ${printable(failureText(report.failure))}`]),
    `  makespan         ${formatMs(report.makespanMs)}`,
    `  lower bound      ${m.lowerBoundMs === undefined ? unknown : `${formatMs(m.lowerBoundMs)}; makespan / lower bound ${m.makespanOverLowerBound?.toFixed(2) ?? '-'}`}`,
    `  critical path    ${m.criticalPath ? `${m.criticalPath.length} tasks from ${formatMs(m.criticalPathStartMs ?? 0)}; transfer on it ${formatMs(m.criticalPathTransferMs ?? 0)}, off it ${formatMs(m.offCriticalPathTransferMs ?? 0)}` : unknown}`,
    `  peak bytes held  ${formatBytes(m.peakHeldBytes)}${m.peakLiveBytes === undefined ? '' : ` (still needed at most ${formatBytes(m.peakLiveBytes)})`}`,
    ...(verification ? formatVerificationLines(verification) : []),
    ...(html ? [`  html             ${html}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** `--json` of one run: `ok` is false for a failed run and for outputs that failed their replay's verification. */
function metricsJson(report: RunReport, m: RunMetrics, verification: Verification | undefined, html: string | undefined): Record<string, unknown> {
  return {
    ok: report.ok && verification?.ok !== false,
    runId: report.runId,
    dagName: report.dagName,
    makespanMs: report.makespanMs,
    ...(report.failure ? { failure: report.failure } : {}),
    ...(verification ? { verification } : {}),
    ...m,
    ...(html ? { html } : {}),
  };
}

/** Two runs' figures as a text table: A, B and B / A. */
function formatComparison(fileA: string, fileB: string, cmp: RunComparison, html: string | undefined): string {
  const rows = cmp.figures.map((f) => [f.label, formatFigure(f, f.a), formatFigure(f, f.b), f.ratio === undefined ? '-' : `${f.ratio.toFixed(2)}x`]);
  const table = renderTable(['', 'A', 'B', 'B / A'], rows, 'text');
  return `A: ${fileA}\nB: ${fileB}\n${table}${html ? `html  ${html}\n` : ''}`;
}
