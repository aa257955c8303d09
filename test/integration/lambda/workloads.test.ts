import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planFor } from '../../../src/cli/planned-input.js';
import { PlannerOptionsSchema } from '../../../src/plan/planner-options.js';
import { Dag } from '../../../src/dag/dag.js';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import { decodeValue } from '../../../src/data/codec.js';
import type { Value } from '../../../src/data/value.js';
import { emptyStats, type FunctionStats } from '../../../src/emulator/function-instances.js';
import { RunReportSchema } from '../../../src/report/run-report.js';
import { runEmbedded } from '../../../src/runtime/embedded/embedded-backend.js';
import { LAMBDA_ASYNC_PAYLOAD_BYTES } from '../../../src/runtime/lambda/lambda-limits.js';
import type { RunRequest } from '../../../src/runtime/run-client.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { MEMORY_STORES } from '../../../src/runtime/store-config.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';
import { findWorkload, resolveParams, type AnyWorkload } from '../../../workloads/index.js';
import { generateValidDag, sameOutputs } from '../../../workloads/replay-runner.js';
import { lambdaRunReport, PLAN_TIERS_MB, startLambdaStack, tieredStackOptions, tierFunctionNames, type LambdaStack } from './lambda-stack.js';

/**
 * Every replay workload on the Lambda path (issue #8, "every replay workload with every planner"):
 * the handler bundle in the emulator, Redis and s3rver, the client through the real SDK clients.
 * Each run must pass the workload's own numerical verifier and return the very bits the embedded
 * backend returns for the same DAG (every op is deterministic).
 */

/**
 * The planners each workload runs with, and what each adds to the run spec: nothing in WUKONG mode
 * (executors decide at run time), a plan otherwise (planned from no history: hints and defaults,
 * at most 4 workers so the emulator's 4 environments are not starved).
 */
const plannedBy = (planner: string) => async (spec: DagSpec): Promise<Partial<RunRequest['spec']>> => {
  const { plan } = await planFor(Dag.fromSpec(spec), PlannerOptionsSchema.parse({ planner, maxWorkers: 4 }), undefined);
  return plan ? { plan } : {};
};
const PLANNERS: Readonly<Record<string, (spec: DagSpec) => Promise<Partial<RunRequest['spec']>>>> = {
  wukong: () => Promise.resolve({}),
  uniform: plannedBy('uniform'),
  nonuniform: plannedBy('nonuniform'),
  heft: plannedBy('heft'),
};

/**
 * Sizes below the `small` presets where `small` means many sources (every source is one
 * invocation, and a cold start is a new Node process on a shared 2-core machine).
 */
const WORKLOAD_SIZES: readonly { readonly name: string; readonly overrides: Record<string, number> }[] = [
  { name: 'tr', overrides: { elements: 16 } },
  { name: 'gemm', overrides: {} },
  { name: 'tsqr', overrides: { rows: 2048 } },
  { name: 'svd', overrides: { rows: 2048 } },
  { name: 'svd-square', overrides: {} },
  // testSamples stays at small's 2,000 (two test chunks): with one, the generator names the
  // agreement output agree-0 while its verifier looks for `agreement` (a workloads/ bug).
  { name: 'svc', overrides: { samples: 2000, rounds: 2 } },
];

/** WUKONG mode runs every executor on this tier. */
const MEMORY_MB = 1769;
/** One executor function per tier a plan may choose (src/plan's default tiers), as deployed. */
const TIERS = tierFunctionNames('wukong-workloads');

/** The emulator's counters summed over every tier's function. */
function statsOfAllTiers(): FunctionStats {
  const total = emptyStats();
  for (const name of Object.values(TIERS)) {
    const stats = stack.emulator.stats(name);
    for (const key of Object.keys(total) as (keyof FunctionStats)[]) {
      total[key] = key === 'maxRequestBytes' ? Math.max(total[key], stats[key]) : total[key] + stats[key];
    }
  }
  return total;
}

/** Per workload, what the runs measured; printed after the suite (figures, not assertions). */
interface Figures {
  readonly workload: string;
  readonly planner: string;
  readonly tasks: number;
  readonly lambdaWallMs: number;
  readonly lambdaMakespanMs: number;
  readonly embeddedWallMs: number;
  readonly embeddedMakespanMs: number;
  readonly invocations: number;
  readonly coldStarts: number;
}
const figures: Figures[] = [];

let stack: LambdaStack;

beforeAll(async () => {
  stack = await startLambdaStack(tieredStackOptions(TIERS));
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  if (figures.length > 0) {
    // Wall time is the client's (spec stored .. outputs gathered); the machine is shared, so these
    // are indications, not benchmarks.
    console.log(
      ['workload     planner  tasks  lambda-wall-ms  lambda-makespan-ms  embedded-wall-ms  embedded-makespan-ms  invocations  cold-starts']
        .concat(
          figures.map((f) =>
            [
              f.workload.padEnd(12),
              f.planner.padEnd(8),
              String(f.tasks).padStart(5),
              f.lambdaWallMs.toFixed(0).padStart(15),
              f.lambdaMakespanMs.toFixed(0).padStart(19),
              f.embeddedWallMs.toFixed(0).padStart(17),
              f.embeddedMakespanMs.toFixed(0).padStart(21),
              String(f.invocations).padStart(12),
              String(f.coldStarts).padStart(12),
            ].join(' '),
          ),
        )
        .join('\n'),
    );
  }
});

function workloadParams(name: string, overrides: Record<string, number>): { workload: AnyWorkload; params: Record<string, number> } {
  const workload = findWorkload(name);
  if (!workload) throw new Error(`no replay workload named ${name}`);
  return { workload, params: resolveParams(workload, { size: 'small', overrides }) };
}

/** The embedded backend's outputs for the same DAG (the reference bits), and its times as a baseline. */
async function runEmbeddedReference(spec: DagSpec): Promise<{ outputs: Map<string, Value>; wallMs: number; makespanMs: number }> {
  const dag = runDagFromSpec(spec);
  const startMs = performance.now();
  const outcome = await runEmbedded(
    { spec: { dag: spec, wukong: DEFAULT_WUKONG_OPTIONS, progressIntervalMs: 0 }, dag, outputRefs: dag.outputRefs(), deadlineMs: 120_000 },
    { threads: 2, stores: MEMORY_STORES, invokeConcurrency: 64 },
  );
  const wallMs = performance.now() - startMs;
  expect(outcome.failure, 'embedded reference run').toBeUndefined();
  // The makespan excludes the thread pool's start-up, as `wukong replay` reports it.
  return { outputs: outcome.outputs, wallMs, makespanMs: outcome.finishedAt - outcome.startedAt };
}

/** The config `wukong config from-stack` would write, pointed at the local stand-ins. */
async function writeEmulatorConfig(dir: string): Promise<string> {
  const configFile = join(dir, 'lambda.json');
  await writeFile(
    configFile,
    JSON.stringify({
      version: 1,
      region: 'us-east-1',
      functionsByTier: TIERS,
      bucket: stack.s3.bucket,
      redisUrl: stack.redis.url,
      endpoints: { lambda: stack.emulator.url, s3: stack.s3.endpoint },
    }),
  );
  return configFile;
}

describe('every replay workload on the Lambda path (emulator, Redis, s3rver)', () => {
  for (const [planner, runSpecExtraFor] of Object.entries(PLANNERS)) {
    for (const { name, overrides } of WORKLOAD_SIZES) {
      it(`${name} with the ${planner} planner verifies and equals the embedded run`, async () => {
        // Prepare
        const { workload, params } = workloadParams(name, overrides);
        const spec = generateValidDag(workload, params);
        const dag = runDagFromSpec(spec);
        const extra = await runSpecExtraFor(spec);
        const before = statsOfAllTiers();

        // Act
        const startMs = performance.now();
        const outcome = await stack.run(spec, dag, DEFAULT_WUKONG_OPTIONS, MEMORY_MB, extra);
        const lambdaWallMs = performance.now() - startMs;

        // Assess: the run finished, its outputs pass the workload's verifier and match embedded.
        expect(outcome.failure, `${name} on Lambda; the functions' last log lines:\n${stack.recentLogs()}`).toBeUndefined();
        expect(outcome.ok).toBe(true);
        const verified = workload.verify(params, outcome.outputs);
        expect(verified.checks.filter((c) => !c.ok), `${name} verification`).toEqual([]);
        expect(verified.ok).toBe(true);
        const embedded = await runEmbeddedReference(spec);
        expect(sameOutputs(outcome.outputs, embedded.outputs), `${name}: Lambda and embedded outputs differ`).toBe(true);

        const report = lambdaRunReport(outcome, spec.name ?? name, planner);
        expect(report.summary.tasks).toBe(spec.tasks.length);
        expect(new Set(report.tasks.map((t) => t.taskId)).size).toBe(spec.tasks.length);
        const planned = 'plan' in extra && extra.plan !== undefined;
        const expectedTiers: readonly number[] = planned ? PLAN_TIERS_MB : [MEMORY_MB];
        for (const executor of report.executors) expect(expectedTiers, `tier of executor ${executor.executorId}`).toContain(executor.memoryMb);

        // Every executor of the report is one invocation the emulator ran, and no invocation failed,
        // timed out, was retried or carried more than Lambda's async payload limit.
        const after = statsOfAllTiers();
        // Planned runs also pre-warm functions: invocations the emulator ran that are no executor.
        if (planned) expect(after.invocations - before.invocations).toBeGreaterThanOrEqual(report.summary.invocations);
        else expect(after.invocations - before.invocations).toBe(report.summary.invocations);
        if (planned) expect(after.coldStarts - before.coldStarts).toBeGreaterThanOrEqual(report.summary.coldStarts);
        else expect(after.coldStarts - before.coldStarts).toBe(report.summary.coldStarts);
        expect(after.functionErrors + after.timeouts + after.runtimeErrors + after.asyncRetries + after.asyncDropped).toBe(0);
        expect(after.maxRequestBytes).toBeLessThan(LAMBDA_ASYNC_PAYLOAD_BYTES);

        figures.push({
          workload: name,
          planner,
          tasks: spec.tasks.length,
          lambdaWallMs,
          lambdaMakespanMs: report.makespanMs,
          embeddedWallMs: embedded.wallMs,
          embeddedMakespanMs: embedded.makespanMs,
          invocations: report.summary.invocations,
          coldStarts: report.summary.coldStarts,
        });
      });
    }
  }

  it('runs tr through the CLI: replay --save-dag, then submit --backend lambda with a config naming the emulator', async () => {
    // Prepare: the DAG `wukong replay` generates, and the config `wukong config from-stack` would
    // write, pointed at the local stand-ins.
    const dir = await mkdtemp(join(tmpdir(), 'wukong-lambda-cli-'));
    try {
      const dagFile = join(dir, 'tr.json');
      const saved = await wukong(['replay', 'tr', '--size', '8', '--workers', '1', '--save-dag', dagFile, '--json']);
      expect(saved.code, saved.stderr).toBe(0);
      const configFile = await writeEmulatorConfig(dir);
      const reportFile = join(dir, 'report.json');
      const outDir = join(dir, 'out');

      // Act
      const run = await wukong(['submit', dagFile, '--backend', 'lambda', '--lambda-config', configFile, '--report', reportFile, '--output-dir', outDir, '--json', '--no-metadata']);

      // Assess: exit 0, a Lambda run report, and an output the tr verifier accepts.
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const report = RunReportSchema.parse(JSON.parse(await readFile(reportFile, 'utf8')));
      expect(report).toMatchObject({ ok: true, backend: 'lambda' });
      expect(report.summary.tasks).toBe(15);
      expect(report.executors.every((e) => e.memoryMb === MEMORY_MB)).toBe(true);
      const { workload, params } = workloadParams('tr', { elements: 8 });
      const files = await readdir(outDir);
      expect(files).toHaveLength(1);
      const rootRef = files[0]!.replace(/\.arrow$/, '');
      const root = decodeValue(new Uint8Array(await readFile(join(outDir, files[0]!))));
      const verified = workload.verify(params, new Map([[rootRef, root]]));
      expect(verified.ok, JSON.stringify(verified.checks)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('replays tr on Lambda through the CLI under a planner: `replay --backend lambda --planner uniform` verifies', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wukong-lambda-replay-'));
    try {
      // Prepare
      const configFile = await writeEmulatorConfig(dir);
      // Act
      const run = await wukong(['replay', 'tr', '--size', '8', '--backend', 'lambda', '--lambda-config', configFile, '--planner', 'uniform', '--max-workers', '3', '--json', '--no-metadata']);
      // Assess
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, workload: 'tr', verification: { ok: true }, lastRun: { backend: 'lambda', planner: 'uniform' } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** The built CLI as a user runs it, with s3rver's keys as the default AWS credentials. */
function wukong(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = join(process.cwd(), 'bin/wukong.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      // NODE_NO_WARNINGS: the AWS SDK warns on stderr that it will leave Node 20 behind in 2027.
      env: { ...process.env, NODE_NO_WARNINGS: '1', AWS_ACCESS_KEY_ID: stack.s3.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: stack.s3.credentials.secretAccessKey },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
