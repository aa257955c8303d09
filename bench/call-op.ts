/**
 * What calling an op costs the executor around the op itself (src/runtime/call-op.ts): a
 * synchronous no-op op called `calls` times in a row, with no task timeout and with the CLI's
 * default of 15 minutes (the timeout's timer, or the clock read that tells a late return).
 * --compare <checkout> runs another build's callOp (its dist/src/runtime/call-op.js), alternating
 * with this one, so both see the same load; medians of `rounds`.
 *
 *   npm run build && node dist/bench/call-op.js [--calls 100000] [--rounds 5] [--compare /path/to/other/checkout]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bytes } from '../src/data/value.js';
import type { OpDefinition } from '../src/ops/op-definition.js';
import { callOp } from '../src/runtime/call-op.js';
import { parseBenchArgs, positiveInt } from './bench-args.js';

type CallOp = typeof callOp;

const { values } = parseBenchArgs(
  "What calling an op costs the executor around the op itself: a synchronous no-op op called --calls times in a row, with no task timeout and with the CLI's default of 15 minutes; medians of --rounds rounds (--compare also times another checkout's build).",
  {
    options: {
      calls: { type: 'string', default: '100000' },
      rounds: { type: 'string', default: '5' },
      compare: { type: 'string' },
    },
  },
);
const calls = positiveInt(values.calls, '--calls');
const rounds = positiveInt(values.rounds, '--rounds');
const outputs = [bytes(new Uint8Array(1))];
const noop = { name: 'bench.noop', outputs: 1, run: () => outputs } as unknown as OpDefinition<Record<string, never>>;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function nsPerCall(call: CallOp, timeoutMs: number | undefined): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < calls; i += 1) await call(noop, [], {}, timeoutMs);
  return ((performance.now() - started) * 1e6) / calls;
}

const builds: [string, CallOp][] = [['this build', callOp]];
if (values.compare) {
  const other = (await import(pathToFileURL(resolve(values.compare, 'dist/src/runtime/call-op.js')).href)) as { callOp: CallOp };
  builds.push([values.compare, other.callOp]);
}
console.log(`callOp of a synchronous no-op op, ${calls} calls a round, median of ${values.rounds} rounds (ns a call)`);
console.log(`${'build'.padEnd(40)} ${'no timeout'.padStart(11)} ${'timeout 15m'.padStart(12)}`);
const figures = builds.map(() => ({ none: [] as number[], timed: [] as number[] }));
// One round first, unmeasured: V8 compiles the loop and callOp.
for (const [, call] of builds) await nsPerCall(call, 900_000);
for (let round = 0; round < rounds; round += 1) {
  for (const [b, [, call]] of builds.entries()) {
    figures[b]!.none.push(await nsPerCall(call, undefined));
    figures[b]!.timed.push(await nsPerCall(call, 900_000));
  }
}
for (const [b, [name]] of builds.entries()) {
  console.log(`${name.padEnd(40)} ${median(figures[b]!.none).toFixed(0).padStart(11)} ${median(figures[b]!.timed).toFixed(0).padStart(12)}`);
}
