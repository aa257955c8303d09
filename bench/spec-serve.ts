/**
 * The main thread's cost of giving N executor threads a run's spec, as the embedded backend's
 * store server answers their `getValue` of it: the JSON string posted to each thread (a structured
 * clone per thread, in series on the main thread) against its UTF-8 encoded once in shared memory
 * and a view posted to each (src/runtime/embedded/shared-texts.ts). A fresh JSON.stringify text per
 * round, as the run client makes it; medians of `repeat` rounds.
 *
 *   npm run build && node dist/bench/spec-serve.js [--tasks 32767] [--threads 1,2,4,8,16] [--repeat 7]
 */
import { Worker } from 'node:worker_threads';
import { SharedTexts } from '../src/runtime/embedded/shared-texts.js';
import { treeDag } from './overhead.js';
import { parseBenchArgs, positiveInt, positiveIntList } from './bench-args.js';

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function idleThread(): Promise<Worker> {
  const worker = new Worker("require('node:worker_threads').parentPort.on('message', () => {});", { eval: true });
  await new Promise((resolve) => worker.once('online', resolve));
  return worker;
}

async function main(): Promise<void> {
  const { values } = parseBenchArgs(
    "The main thread's cost of giving N executor threads a run's spec: the JSON string posted to each thread against its UTF-8 encoded once in shared memory and a view posted to each; medians of --repeat rounds.",
    {
      options: {
        tasks: { type: 'string', default: '32767' },
        threads: { type: 'string', default: '1,2,4,8,16' },
        repeat: { type: 'string', default: '7' },
      },
    },
  );
  const counts = positiveIntList(values.threads, '--threads');
  const dag = treeDag(positiveInt(values.tasks, '--tasks'));
  const repeat = positiveInt(values.repeat, '--repeat');
  const threads = await Promise.all(Array.from({ length: Math.max(...counts) }, idleThread));
  console.log(`run spec of a ${dag.tasks.length}-task tree (${(JSON.stringify(dag).length / 1e6).toFixed(1)} MB of JSON) to N threads: main-thread ms, median of ${values.repeat}`);
  console.log('threads   string to each   shared UTF-8   ratio');
  try {
    for (const n of counts) {
      const posted: number[] = [];
      const shared: number[] = [];
      for (let round = 0; round < repeat; round += 1) {
        let text = JSON.stringify({ version: 1, runId: `a${round}`, dag });
        let startedAt = performance.now();
        for (const thread of threads.slice(0, n)) thread.postMessage({ id: 1, ok: true, value: text });
        posted.push(performance.now() - startedAt);
        text = JSON.stringify({ version: 1, runId: `b${round}`, dag });
        const texts = new SharedTexts();
        startedAt = performance.now();
        for (const thread of threads.slice(0, n)) thread.postMessage({ id: 1, ok: true, value: texts.bytesOf('spec', text), sharedText: true });
        shared.push(performance.now() - startedAt);
        // Let the threads take in what they were sent before the next round.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const [p, s] = [median(posted), median(shared)];
      console.log(`${String(n).padStart(7)}   ${p.toFixed(1).padStart(11)} ms   ${s.toFixed(1).padStart(9)} ms   ${(p / s).toFixed(1).padStart(4)}x`);
    }
  } finally {
    await Promise.all(threads.map((thread) => thread.terminate()));
  }
}

await main();
