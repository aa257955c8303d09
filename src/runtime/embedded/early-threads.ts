import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/**
 * Executor threads started before the CLI has loaded its command, so that their start-up (Node's
 * worker bootstrap, compiling and evaluating the thread bundle: most of what `wukong submit` waits
 * for before a run) overlaps the main thread's own loading and reading of the DAG. Such a thread
 * loads its modules and then waits for its WorkerInit in an `init` message (./worker-main.ts);
 * ThreadPool takes it instead of starting a thread of its own (`takeEarlyThread`).
 *
 * The bin shim starts them from the unbundled dist/ while the pool runs in the CLI bundle: two
 * copies of this module, so the started threads are kept on globalThis, under a registered symbol.
 */
const EARLY_THREADS = Symbol.for('wukong.earlyExecutorThreads');

/** What a thread started early is given as workerData, in place of its WorkerInit. */
export interface AwaitInit {
  readonly awaitInit: true;
}

export function isAwaitInit(data: unknown): data is AwaitInit {
  return typeof data === 'object' && data !== null && (data as Partial<AwaitInit>).awaitInit === true;
}

interface EarlyThreads {
  readonly scriptHref: string;
  readonly workers: Worker[];
}

type WithEarlyThreads = typeof globalThis & { [EARLY_THREADS]?: EarlyThreads };

/**
 * Starts `count` executor threads from `script` that wait for their init, and returns them (none
 * when threads were started early already). They do not keep the process alive: a command that
 * never takes them (an invalid DAG, --help) exits as before.
 */
export function startEarlyThreads(script: URL, count: number): readonly Worker[] {
  const scope = globalThis as WithEarlyThreads;
  if (scope[EARLY_THREADS] || count < 1) return [];
  const workers: Worker[] = [];
  scope[EARLY_THREADS] = { scriptHref: script.href, workers };
  for (let i = 0; i < count; i += 1) {
    const worker = new Worker(script, { workerData: { awaitInit: true } satisfies AwaitInit });
    worker.unref();
    // A thread that dies before it is taken is not handed out; its error is not the CLI's.
    worker.on('error', () => undefined);
    worker.once('exit', () => {
      const at = workers.indexOf(worker);
      if (at >= 0) workers.splice(at, 1);
    });
    workers.push(worker);
  }
  return [...workers];
}

/**
 * A thread started early from `script`, now the caller's (kept alive like a thread of its own),
 * or undefined when there is none left.
 */
export function takeEarlyThread(script: URL): Worker | undefined {
  const early = (globalThis as WithEarlyThreads)[EARLY_THREADS];
  if (!early || early.scriptHref !== script.href) return undefined;
  const worker = early.workers.shift();
  worker?.ref();
  return worker;
}

/** Ends the threads started early that nothing took (a pool smaller than the guess); a later start starts anew. */
export function endUntakenEarlyThreads(): void {
  const scope = globalThis as WithEarlyThreads;
  const early = scope[EARLY_THREADS];
  if (!early) return;
  delete scope[EARLY_THREADS];
  for (const worker of early.workers.splice(0)) void worker.terminate();
}

/**
 * The script executor threads run: compiled JavaScript from dist/ when this module is itself
 * compiled, and from the build output when it runs as TypeScript under vitest (npm test builds
 * first). The build bundles the thread entry into one file (scripts/build-bundles.mjs), which starts
 * a thread several times faster, and ./worker-bundle-entry.cts runs it with a V8 code cache; user
 * op modules import `wukong` itself, so with them threads load the unbundled modules, the same
 * instances those imports get.
 */
export function executorThreadScript(withOpModules: boolean): URL {
  const here = import.meta.url;
  const dir = here.endsWith('.ts') ? new URL('../../../dist/src/runtime/embedded/', here) : new URL('./', here);
  if (!withOpModules && existsSync(new URL('bundle/worker.cjs', dir))) return new URL('worker-bundle-entry.cjs', dir);
  return new URL('worker-main.js', dir);
}
