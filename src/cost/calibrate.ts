import { cpus } from 'node:os';
import { tableFromArrays } from 'apache-arrow';
import type { Value } from '../data/value.js';
import { randomMatrix } from '../ops/matrix/kernels/index.js';
import type { OpCost, OpDefinition } from '../ops/op-definition.js';
import type { OpRegistry } from '../ops/registry.js';
import { matrixShapeOf, tableShapeOf, type TableShape, type ValueShape } from '../ops/value-shape.js';
import { median } from '../metadata/statistics.js';
import type { FlopRatePoint, KernelRate, KernelTable } from './kernel-rates.js';

/**
 * `wukong calibrate`: micro-benchmarks the built-in ops' kernels at several sizes on this machine
 * and fits the rate table a profile prices op cost declarations with (./kernel-rates.ts). Times are
 * the process's CPU time (user + system), best of `repeats` after one warm-up, so other processes
 * sharing the cores do not inflate them (they still share caches and memory bandwidth).
 */

/** One measured case: an op on inputs of these shapes with these args. */
export interface CalibrationCase {
  readonly op: string;
  readonly args: Record<string, unknown>;
  readonly inputs: readonly ValueShape[];
}

/** The cases per kernel (`quick`: the smaller half, for tests). Sizes keep each run under ~1 s here. */
export function calibrationCases(quick: boolean): CalibrationCase[] {
  const m = (rows: number, cols: number) => matrixShapeOf(rows, cols);
  const square = (op: string, sizes: readonly number[], arity: number, args: Record<string, unknown> = {}) =>
    sizes.map((n) => ({ op, args, inputs: Array.from({ length: arity }, () => m(n, n)) }));
  const cases: CalibrationCase[] = [
    ...square('matrix.matmul', quick ? [64, 128] : [128, 256, 512], 2),
    ...(quick ? [[512, 32]] : [[2048, 64], [8192, 128]]).map(([rows, cols]) => ({ op: 'matrix.qr', args: {}, inputs: [m(rows as number, cols as number)] })),
    ...square('matrix.svd', quick ? [16, 32] : [32, 64, 128], 1),
    ...square('matrix.add', quick ? [256] : [500, 1000, 2000], 2),
    ...square('matrix.transpose', quick ? [256] : [500, 1000, 2000], 1),
    ...(quick ? [256] : [500, 1000, 2000]).map((n) => ({ op: 'matrix.random', args: { rows: n, cols: n, seed: 1 }, inputs: [] })),
    ...(quick ? [256] : [500, 1000, 2000]).map((n) => ({ op: 'matrix.fill', args: { rows: n, cols: n, value: 1 }, inputs: [] })),
    ...(quick ? [2000] : [20_000, 100_000]).map((rows) => ({ op: 'svc.train-chunk', args: { lambda: 0.01 }, inputs: [m(rows, 32), m(rows, 1), m(1, 33)] })),
    ...tableCases(quick ? [20_000] : [200_000, 1_000_000]),
  ];
  return cases;
}

/**
 * The table engine's scans (DuckDB over Arrow tables, in and out): a filter, a projection with a
 * derived column and a group-by over a 4-column table (int64 id, int32 key of 1,000 values, two
 * doubles in [0, 1)). The filter keeps v < 1/3, the fraction its cost declaration assumes for a
 * range, so the declared bytes are the bytes the engine writes.
 */
function tableCases(sizes: readonly number[]): CalibrationCase[] {
  return sizes.flatMap((rows) => {
    const inputs = [calibrationTableShape(rows)];
    return [
      { op: 'table.filter', args: { where: [{ column: 'v', op: '<', value: 1 / 3 }] }, inputs },
      { op: 'table.project', args: { columns: ['k', 'v'], derive: [{ as: 'vw', sql: 'v * w', uses: ['v', 'w'] }] }, inputs },
      { op: 'table.aggregate', args: { groupBy: ['k'], aggregates: [{ fn: 'count', as: 'n' }, { fn: 'sum', column: 'v', as: 'total' }] }, inputs },
    ];
  });
}

const CALIBRATION_KEYS = 1000;

function calibrationTableShape(rows: number): TableShape {
  return tableShapeOf(rows, [
    { name: 'id', bytesPerRow: 8, distinct: rows },
    { name: 'k', bytesPerRow: 4, distinct: CALIBRATION_KEYS },
    { name: 'v', bytesPerRow: 8 },
    { name: 'w', bytesPerRow: 8 },
  ]);
}

/** A table of the calibration shape: seeded uniform doubles, keys cycling through 1,000 values. */
function calibrationTable(rows: number, seed: number): Value {
  let state = seed >>> 0 || 1;
  const unit = () => {
    // xorshift32: fast and seeded; only the distribution matters here.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const id = BigInt64Array.from({ length: rows }, (_, i) => BigInt(i));
  const k = Int32Array.from({ length: rows }, (_, i) => i % CALIBRATION_KEYS);
  const v = Float64Array.from({ length: rows }, unit);
  const w = Float64Array.from({ length: rows }, unit);
  return { kind: 'table', table: tableFromArrays({ id, k, v, w }) };
}

function describeShape(shape: ValueShape): string {
  if (shape.kind === 'matrix') return `${shape.rows}x${shape.cols}`;
  return shape.kind === 'table' ? `${shape.rows} rows x ${shape.columns.length} columns` : `${shape.byteLength}B`;
}

/** What one case measured. */
export interface CalibrationSample {
  readonly op: string;
  readonly kernel: string;
  readonly shapes: string;
  readonly cpuMs: number;
  readonly cost: OpCost;
}

export interface CalibrationResult {
  readonly table: KernelTable;
  readonly samples: readonly CalibrationSample[];
}

export interface CalibrateOptions {
  readonly repeats?: number;
  readonly quick?: boolean;
  /** Called after each case (progress). */
  readonly onSample?: (sample: CalibrationSample) => void;
  /** The Lambda vCPU factor written into the table (see KernelTableSchema). */
  readonly lambdaVcpuFactor?: number;
  /** The command line, recorded in the table's source. */
  readonly command?: string;
}

/** Measures every case and fits the table: flop kernels by work size, byte kernels by their median rate. */
export async function calibrateKernels(ops: OpRegistry, options: CalibrateOptions = {}): Promise<CalibrationResult> {
  const repeats = options.repeats ?? 3;
  const samples: CalibrationSample[] = [];
  for (const c of calibrationCases(options.quick ?? false)) {
    const op = ops.lookup(c.op);
    if (!op?.cost) continue;
    const args = op.args.parse(c.args);
    const cost = op.cost(c.inputs, args);
    if (!cost) continue;
    const inputs = c.inputs.map((shape, i) => valueOfShape(shape, i + 1));
    const cpuMs = await bestCpuMs(op, inputs, args, repeats);
    const sample = { op: c.op, kernel: cost.kernel ?? 'default', shapes: c.inputs.map(describeShape).join(',') || JSON.stringify(c.args), cpuMs, cost };
    samples.push(sample);
    options.onSample?.(sample);
  }
  return { table: fitTable(samples, options), samples };
}

/** Kernels priced by arithmetic (the rest by memory traffic). */
const FLOP_KERNELS = new Set(['matmul', 'qr', 'svd', 'svc']);

function fitTable(samples: readonly CalibrationSample[], options: CalibrateOptions): KernelTable {
  const byKernel = new Map<string, CalibrationSample[]>();
  for (const s of samples) byKernel.set(s.kernel, [...(byKernel.get(s.kernel) ?? []), s]);
  const kernels: Record<string, KernelRate> = {};
  for (const [kernel, list] of byKernel) {
    if (FLOP_KERNELS.has(kernel)) {
      const points: FlopRatePoint[] = list
        .filter((s) => (s.cost.flops ?? 0) > 0 && s.cpuMs > 0)
        .map((s) => ({ flops: s.cost.flops as number, gflopsPerSecond: round((s.cost.flops as number) / s.cpuMs / 1e6) }));
      if (points.length > 0) kernels[kernel] = { gflopsPerSecond: points, source: list.map((s) => `${s.op} ${s.shapes}: ${s.cpuMs.toFixed(2)} ms`).join('; ') };
    } else {
      const rates = list.filter((s) => s.cpuMs > 0).map((s) => bytesOf(s.cost) / s.cpuMs / 1e6);
      if (rates.length > 0) kernels[kernel] = { gbPerSecond: round(median(rates)), source: list.map((s) => `${s.op} ${s.shapes}: ${s.cpuMs.toFixed(2)} ms`).join('; ') };
    }
  }
  // A kernel no case measured (a user op's own): priced like an elementwise pass and a small matmul.
  const elementwise = kernels.elementwise?.gbPerSecond;
  const matmul = kernels.matmul?.gflopsPerSecond;
  kernels.default = {
    ...(elementwise !== undefined ? { gbPerSecond: elementwise } : {}),
    ...(matmul !== undefined ? { gflopsPerSecond: typeof matmul === 'number' ? matmul : (matmul[0] as FlopRatePoint).gflopsPerSecond } : {}),
    source: 'elementwise memory rate and the smallest matmul rate measured',
  };
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return {
    source: `measured by \`${options.command ?? 'wukong calibrate'}\` on ${new Date().toISOString().slice(0, 10)}, ${cpu}, node ${process.version}: CPU time, best of ${options.repeats ?? 3}`,
    lambdaVcpuFactor: options.lambdaVcpuFactor ?? 1,
    kernels,
  };
}

function bytesOf(cost: OpCost): number {
  return (cost.bytesRead ?? 0) + (cost.bytesWritten ?? 0) + (cost.bytes ?? 0);
}

async function bestCpuMs(op: OpDefinition, inputs: readonly Value[], args: unknown, repeats: number): Promise<number> {
  await op.run(inputs, args);
  let best = Infinity;
  for (let i = 0; i < repeats; i += 1) {
    const start = process.cpuUsage();
    await op.run(inputs, args);
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

/** A value of the shape: random entries (svc weights and labels included: only the shapes matter to the time). */
function valueOfShape(shape: ValueShape, seed: number): Value {
  if (shape.kind === 'table') return calibrationTable(shape.rows, seed);
  if (shape.kind !== 'matrix') throw new RangeError('calibration cases use matrix and table inputs only');
  return randomMatrix(shape.rows, shape.cols, seed);
}

function round(value: number): number {
  return Number(value.toPrecision(4));
}
