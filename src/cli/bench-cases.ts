import { BadInputError } from '../model/errors.js';
import { findWorkload, PRESET_NAMES, resolveParams, type AnyWorkload, type PresetName } from '../../workloads/index.js';
import type { BenchMode } from '../report/bench-table.js';

/** One workload at one parameter set: a column of the bench tables. */
export interface BenchCase {
  /** The column name: the workload's, or e.g. `tr-500ms` for a second case of it. */
  readonly label: string;
  readonly workload: AnyWorkload;
  readonly params: Record<string, number>;
}

export const BENCH_WORKLOADS = ['tr', 'gemm', 'tsqr', 'svd', 'svd-square', 'svc'] as const;

/** `paper`: WUKONG-paper-like sizes for sim mode; the presets for either mode. */
export type BenchSize = 'paper' | PresetName;
export const SIM_SIZES: readonly BenchSize[] = ['paper', ...PRESET_NAMES];
/** Embedded runs compute for real on this machine: the presets that fit 2 cores. */
export const EMBEDDED_SIZES: readonly BenchSize[] = ['small', 'medium'];

/** The delay per reduction task of tree reduction's second case (the paper: 0 and 500 ms). */
const TR_DELAY_MS = 500;

/** A TSQR / SVD1 input of Dask's default chunking: 128 MiB blocks (131,072 rows x 128 float64). */
const TALL_SKINNY_PAPER = { rows: 4_194_304, cols: 128, blockRows: 131_072 };

/**
 * WUKONG-paper-like sizes (SoCC'20 section 5): TR 1,024 elements, GEMM 25k in 5k blocks, TSQR
 * 4M x 128, SVD2 50k; SVD1 takes TSQR's matrix and SVC 4M samples (its `large` preset).
 */
const PAPER_PARAMS: Readonly<Record<(typeof BENCH_WORKLOADS)[number], Readonly<Record<string, number>>>> = {
  tr: { elements: 1024 },
  gemm: { n: 25_000, block: 5000 },
  tsqr: TALL_SKINNY_PAPER,
  svd: TALL_SKINNY_PAPER,
  'svd-square': { n: 50_000, block: 5000 },
  svc: { samples: 4_000_000, chunkRows: 100_000, testSamples: 1_000_000, rounds: 10 },
};

export function parseBenchWorkloads(text: string): (typeof BENCH_WORKLOADS)[number][] {
  const names = splitList(text, '--workloads');
  for (const name of names) {
    if (!(BENCH_WORKLOADS as readonly string[]).includes(name)) throw new BadInputError(`--workloads: unknown workload "${name}"; available: ${BENCH_WORKLOADS.join(', ')}`);
  }
  return names as (typeof BENCH_WORKLOADS)[number][];
}

export function parseBenchSize(text: string, mode: BenchMode, flag: string): BenchSize {
  const allowed = mode === 'sim' ? SIM_SIZES : EMBEDDED_SIZES;
  if (!(allowed as readonly string[]).includes(text)) throw new BadInputError(`${flag} must be ${allowed.join(', ')}; got "${text}"`);
  return text as BenchSize;
}

/** A comma list without blanks or repeats; an empty list is bad input naming the flag. */
export function splitList(text: string, flag: string): string[] {
  const words = [...new Set(text.split(',').map((w) => w.trim()).filter((w) => w.length > 0))];
  if (words.length === 0) throw new BadInputError(`${flag} needs at least one name`);
  return words;
}

/** The cases of the workloads at a size; tree reduction runs twice, without and with a delay per task. */
export function benchCases(workloads: readonly (typeof BENCH_WORKLOADS)[number][], size: BenchSize): BenchCase[] {
  const cases: BenchCase[] = [];
  for (const name of workloads) {
    const workload = findWorkload(name);
    if (!workload) throw new BadInputError(`workload "${name}" is not registered`);
    const base = size === 'paper' ? resolveParams(workload, { overrides: PAPER_PARAMS[name] }) : resolveParams(workload, { size });
    if (name === 'tr') {
      cases.push({ label: 'tr', workload, params: { ...base, delayMs: 0 } });
      cases.push({ label: `tr-${TR_DELAY_MS}ms`, workload, params: { ...base, delayMs: TR_DELAY_MS } });
    } else {
      cases.push({ label: name, workload, params: base });
    }
  }
  return cases;
}

export function describeCase(c: BenchCase): string {
  return `${c.label}: ${Object.entries(c.params)
    .filter(([k]) => k !== 'seed')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')}`;
}
