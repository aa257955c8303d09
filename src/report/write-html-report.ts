import { writeFile } from 'node:fs/promises';
import { Dag } from '../dag/dag.js';
import type { DagSpec } from '../model/dag-schema.js';
import type { Plan } from '../model/annotated-dag.js';
import { renderHtmlReport } from './html-report.js';
import type { RunReport } from './run-report.js';
import type { DependencyLookup } from './run-metrics.js';
import type { Verification } from './verification.js';

export interface WriteHtmlReportOptions {
  /** The run's DAG: a model with parents(), or its spec. */
  readonly dag?: DependencyLookup | DagSpec | undefined;
  readonly plan?: Plan | undefined;
  /** A replay's verdict on the run's outputs. */
  readonly verification?: Verification | undefined;
}

/** `--html FILE` of submit, replay, simulate and report: render the page and write it. */
export async function writeHtmlReport(file: string, report: RunReport, options: WriteHtmlReportOptions = {}): Promise<void> {
  const dag = options.dag === undefined || 'parents' in options.dag ? options.dag : Dag.fromSpec(options.dag);
  await writeFile(file, renderHtmlReport(report, { dag, plan: options.plan, verification: options.verification }));
}
