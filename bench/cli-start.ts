/**
 * CLI start overhead (issue 20 item 3): wall time of `wukong submit <dag>` minus the makespan it
 * reports, i.e. what starting Node, loading the CLI, booting executor threads and recording the
 * run's history cost around the run. Target: <= 0.4 s for
 * `node bin/wukong.js submit workloads/examples/gemm-2x2.json`, the goal's command as written.
 *
 *   npm run build && node dist/bench/cli-start.js [--runs 5] [--workers N] [--dag workloads/examples/gemm-2x2.json] [--compare <other checkout>/bin/wukong.js]
 *
 * Two commands per CLI, interleaved: the goal's (text summary, history recorded under .wukong/ of
 * the working directory, threads as many as cores unless --workers is given), run in a scratch
 * directory of its own so the checkout's history is left alone (its history grows run by run, as a
 * user's does), and the same with `--json --no-metadata` (no history written or read).
 * Also prints a bare `node -e 0`, so that a loaded machine shows up as a slow Node start rather
 * than as CLI overhead. Medians of --runs runs; the load average beside them. --compare runs another
 * build's CLI (e.g. a checkout of main) interleaved with this one, so both see the same load.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseBenchArgs, positiveInt } from './bench-args.js';

const { values } = parseBenchArgs(
  "CLI start overhead: wall time of `wukong submit <dag>` minus the makespan it reports, i.e. what starting Node, loading the CLI, booting executor threads and recording the run's history cost around the run.",
  {
    options: {
      runs: { type: 'string', default: '5' },
      workers: { type: 'string' },
      dag: { type: 'string', default: 'workloads/examples/gemm-2x2.json' },
      compare: { type: 'string' },
    },
  },
  { notes: { workers: "the CLI's default" } },
);
const runs = positiveInt(values.runs, '--runs');
if (values.workers !== undefined) positiveInt(values.workers, '--workers');
const bins = [join(process.cwd(), 'bin/wukong.js'), ...(values.compare ? [resolve(values.compare)] : [])];
const dag = resolve(values.dag);
const workerArgs = values.workers === undefined ? [] : ['--workers', values.workers];

function timed(args: readonly string[], cwd?: string): { wallMs: number; stdout: string } {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 300_000, ...(cwd ? { cwd } : {}) });
  const wallMs = performance.now() - started;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return { wallMs, stdout: result.stdout };
}

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** The makespan a text summary states (`  makespan         90.0 ms`). */
function makespanOfSummary(stdout: string): number {
  const match = /^\s*makespan\s+([\d.]+) ms$/m.exec(stdout);
  if (!match || !stdout.startsWith('ok:')) throw new Error(`run failed or summary without a makespan:\n${stdout}`);
  return Number(match[1]);
}

function makespanOfJson(stdout: string): number {
  const summary = JSON.parse(stdout) as { ok: boolean; makespanMs: number };
  if (!summary.ok) throw new Error(`run failed: ${stdout}`);
  return summary.makespanMs;
}

interface Figures {
  readonly wall: number[];
  readonly makespan: number[];
}
const figures = () => ({ wall: [], makespan: [] }) as Figures;
const record = (into: Figures, wallMs: number, makespanMs: number) => {
  into.wall.push(wallMs);
  into.makespan.push(makespanMs);
};

const nodeStart: number[] = [];
const asWritten = bins.map(figures);
const bare = bins.map(figures);
const scratch = bins.map(() => mkdtempSync(join(tmpdir(), 'wukong-cli-start-')));
try {
  for (let i = 0; i < runs; i += 1) {
    nodeStart.push(timed(['-e', '0']).wallMs);
    bins.forEach((bin, b) => {
      const written = timed([bin, 'submit', dag, ...workerArgs], scratch[b]);
      record(asWritten[b]!, written.wallMs, makespanOfSummary(written.stdout));
      const json = timed([bin, 'submit', dag, '--json', '--no-metadata', ...workerArgs]);
      record(bare[b]!, json.wallMs, makespanOfJson(json.stdout));
    });
  }
} finally {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
}
const ms = (x: number) => `${x.toFixed(0)} ms`;
const threads = values.workers ?? 'as many as cores';
console.log(`CLI start overhead, ${values.dag}, threads: ${threads}, median of ${runs} (load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
console.log(`  node -e 0                 ${ms(median(nodeStart))}`);
const line = (label: string, { wall, makespan }: Figures, target: string) =>
  console.log(`  ${label.padEnd(34)} wall ${ms(median(wall)).padStart(7)}   makespan ${ms(median(makespan)).padStart(6)}   wall - makespan ${ms(median(wall.map((w, i) => w - makespan[i]!))).padStart(7)}${target}`);
bins.forEach((bin, b) => {
  console.log(`${bin}`);
  line('submit <dag> (history recorded)', asWritten[b]!, '   (target <= 400 ms)');
  line('submit <dag> --json --no-metadata', bare[b]!, '');
});
