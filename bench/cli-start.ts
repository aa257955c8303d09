/**
 * CLI start overhead (issue 20 item 3): wall time of `wukong submit <dag> --json` minus the
 * makespan it reports, i.e. what starting Node, loading the CLI and booting executor threads cost
 * around the run. Target: <= 0.4 s for workloads/examples/gemm-2x2.json.
 *
 *   npm run build && node dist/bench/cli-start.js [--runs 5] [--workers 2] [--dag workloads/examples/gemm-2x2.json] [--compare <other checkout>/bin/wukong.js]
 *
 * Also prints a bare `node -e 0`, so that a loaded machine shows up as a slow Node start rather
 * than as CLI overhead. Medians of --runs runs; the load average beside them. --compare runs another
 * build's CLI (e.g. a checkout of main) interleaved with this one, so both see the same load.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    workers: { type: 'string', default: '2' },
    dag: { type: 'string', default: 'workloads/examples/gemm-2x2.json' },
    compare: { type: 'string' },
  },
});
const runs = Number(values.runs);
const bins = [join(process.cwd(), 'bin/wukong.js'), ...(values.compare ? [values.compare] : [])];

function timed(args: readonly string[]): { wallMs: number; stdout: string } {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 300_000 });
  const wallMs = performance.now() - started;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return { wallMs, stdout: result.stdout };
}

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

interface Figures {
  readonly wall: number[];
  readonly makespan: number[];
}

const nodeStart: number[] = [];
const figures: Figures[] = bins.map(() => ({ wall: [], makespan: [] }));
for (let i = 0; i < runs; i += 1) {
  nodeStart.push(timed(['-e', '0']).wallMs);
  bins.forEach((bin, b) => {
    const submit = timed([bin, 'submit', values.dag, '--json', '--no-metadata', '--workers', values.workers]);
    const summary = JSON.parse(submit.stdout) as { ok: boolean; makespanMs: number };
    if (!summary.ok) throw new Error(`run failed: ${submit.stdout}`);
    figures[b]!.wall.push(submit.wallMs);
    figures[b]!.makespan.push(summary.makespanMs);
  });
}
const ms = (x: number) => `${x.toFixed(0)} ms`;
console.log(`CLI start overhead, ${values.dag}, --workers ${values.workers}, median of ${runs} (load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
console.log(`  node -e 0                 ${ms(median(nodeStart))}`);
bins.forEach((bin, b) => {
  const { wall, makespan } = figures[b]!;
  console.log(`${bin}`);
  console.log(`  wukong submit wall        ${ms(median(wall))}`);
  console.log(`  makespan (reported)       ${ms(median(makespan))}`);
  console.log(`  wall - makespan           ${ms(median(wall.map((w, i) => w - makespan[i]!)))}   (target <= 400 ms)`);
});
