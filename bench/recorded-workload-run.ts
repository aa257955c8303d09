import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DagSpec } from '../src/model/dag-schema.js';
import { Dag } from '../src/dag/dag.js';
import { FileMetadataStore } from '../src/metadata/file-metadata-store.js';
import type { MetadataHistory } from '../src/metadata/metadata-history.js';
import { runEmbedded } from '../src/runtime/embedded/embedded-backend.js';
import { runDagFromSpec } from '../src/model/compiled-dag.js';
import { MEMORY_STORES } from '../src/runtime/store-config.js';
import { DEFAULT_WUKONG_OPTIONS } from '../src/model/wukong-options.js';
import type { AnyWorkload } from '../workloads/index.js';
import { generateValidDag } from '../workloads/replay-runner.js';

/**
 * Runs workloads for real on the embedded backend (memory stores, WUKONG mode) with executors
 * recording metadata into one file store, as `wukong submit` does into .wukong/metadata. Shared
 * by bench/metadata-accuracy.ts and the metadata integration tests.
 */
export class RecordedWorkloadRuns {
  private constructor(
    readonly dir: string,
    private readonly threads: number,
  ) {}

  /** A fresh temporary metadata directory; call `dispose` to remove it. */
  static async create(threads: number): Promise<RecordedWorkloadRuns> {
    return new RecordedWorkloadRuns(await mkdtemp(join(tmpdir(), 'wukong-recorded-')), threads);
  }

  /** Generates the workload's DAG, runs it once, and returns the DAG and the run id. Throws if the run fails. */
  async run(workload: AnyWorkload, params: Record<string, number>): Promise<{ spec: DagSpec; dag: Dag; runId: string }> {
    const spec = generateValidDag(workload, workload.paramsSchema.parse(params));
    const runDag = runDagFromSpec(spec);
    const outcome = await runEmbedded(
      { spec: { dag: spec, wukong: DEFAULT_WUKONG_OPTIONS, progressIntervalMs: 0 }, dag: runDag, outputRefs: runDag.outputRefs(), deadlineMs: 300_000 },
      { threads: this.threads, stores: MEMORY_STORES, invokeConcurrency: 64, metadata: { kind: 'file', dir: this.dir } },
    );
    if (!outcome.ok) throw new Error(`${workload.name} ${JSON.stringify(params)} failed at task ${outcome.failure?.taskId}: ${outcome.failure?.message}`);
    return { spec, dag: Dag.fromSpec(spec), runId: outcome.runId };
  }

  /** Everything recorded so far, by every run. */
  async history(): Promise<MetadataHistory> {
    const store = new FileMetadataStore(this.dir);
    try {
      return await store.load();
    } finally {
      await store.close();
    }
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
