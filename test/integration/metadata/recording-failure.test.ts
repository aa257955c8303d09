import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEmbedded } from '../../../src/runtime/embedded/embedded-backend.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { MEMORY_STORES } from '../../../src/runtime/store-config.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';
import { layeredDag } from '../faults/fault-dags.js';

/**
 * Issue 22 item 9: a metadata location that fails in the middle of a run (here the directory is
 * replaced by a file once the first tasks are done) is not silent: the executor threads' failed
 * batches reach the caller as warnings, once per distinct message, and the run itself succeeds.
 */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wukong-md-fail-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('metadata recording failing mid-run in executor threads', () => {
  it('is reported as a warning naming the failure, once per distinct message; the run succeeds', async () => {
    // Prepare: 4 layers x 3 tasks of 40 ms, one executor per thread; records go to `md` until
    // the first progress report, when `md` becomes a file.
    const md = join(dir, 'md');
    const spec = layeredDag(3, 4, 3, 40, 64);
    const dag = runDagFromSpec(spec);
    const warnings: string[] = [];
    let broken: Promise<void> | undefined;
    // Act
    const outcome = await runEmbedded(
      {
        spec: { dag: spec, wukong: DEFAULT_WUKONG_OPTIONS, progressIntervalMs: 20 },
        dag,
        outputRefs: dag.outputRefs(),
        deadlineMs: 45_000,
        onProgress: (progress) => {
          if (broken || progress.tasksDone < 1) return;
          broken = (async () => {
            // A thread's flush may write a file into the directory while rm empties it (ENOTEMPTY),
            // or re-create it between the rm and the write (EISDIR): retry until the file wins
            // (each flush after that fails, which is what is tested).
            for (let attempt = 0; ; attempt += 1) {
              try {
                await rm(md, { recursive: true, force: true });
                await writeFile(md, 'not a directory');
                return;
              } catch (error) {
                const code = (error as NodeJS.ErrnoException).code;
                if ((code !== 'EISDIR' && code !== 'ENOTEMPTY') || attempt >= 50) throw error;
              }
            }
          })();
        },
      },
      { threads: 2, executorsPerThread: 1, stores: MEMORY_STORES, invokeConcurrency: 8, metadata: { kind: 'file', dir: md }, onWarning: (m) => warnings.push(m) },
    );
    await broken;
    // Assess
    console.log(`[metadata] recording broken mid-run: ${warnings.length} distinct warning(s): ${warnings.join(' | ').slice(0, 300)}`);
    expect(outcome.ok).toBe(true);
    expect(broken).toBeDefined();
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings[0]).toMatch(/^metadata not recorded: .*md/);
    expect(new Set(warnings).size).toBe(warnings.length);
    expect((await readdir(dir)).sort()).toEqual(['md']);
  });
});
