import type { LatencyPrior } from './latency-prior.js';
import type { StoreKind, TransferDirection } from './records.js';

/**
 * What the predictor answers when neither history nor DAG hints know better (the last step of the
 * fallback order, DESIGN.md §3). Each figure says where it comes from; the latency figures are the
 * ones the simulator's AWS profile uses (src/cost/profile.ts), so plans and simulations agree.
 */
export interface TransferDefault {
  /** Request latency before the first byte moves. */
  readonly latency: LatencyPrior;
  /** 1 MB = 1,000,000 bytes. */
  readonly megabytesPerSecond: number;
}

export type TransferDefaults = Readonly<Record<TransferDirection, TransferDefault>>;

export interface PredictionDefaults {
  /** Execution time of a task at one full vCPU. */
  readonly execMs: number;
  /** Output size of a task that reads nothing (a source). */
  readonly sourceOutputBytes: number;
  /** Output bytes per input byte of a task that reads something. */
  readonly outputBytesPerInputByte: number;
  /**
   * Per store kind; a kind without an entry (one registered later) is predicted as `s3`, the
   * slowest, until its own transfers are recorded.
   */
  readonly transfers: Readonly<Record<'s3', TransferDefaults>> & Readonly<Partial<Record<StoreKind, TransferDefaults>>>;
  readonly coldStart: LatencyPrior;
  readonly warmStart: LatencyPrior;
}

/** No measurement behind it: the simulator's DEFAULT_TASK_EXEC_MS, so both guess alike. Give hints. */
export const DEFAULT_EXEC_MS = 10;
/** No measurement behind it: the simulator's DEFAULT_TASK_OUTPUT_BYTES (1 KiB). Give hints. */
export const DEFAULT_SOURCE_OUTPUT_BYTES = 1024;
/** Assumption: an unknown op emits about what it reads (a map); a reduce would emit less. */
export const DEFAULT_OUTPUT_BYTES_PER_INPUT_BYTE = 1;

/**
 * DESIGN.md §6: per-function bandwidth to S3 ~50-90 MB/s, memory dependent and unverified. A
 * transfer prediction names no memory tier, so the middle of that range.
 */
export const DEFAULT_FUNCTION_MEGABYTES_PER_SECOND = 70;

/** DESIGN.md §6: S3 small-object latency "tens of ms"; the medians / p90s are assumptions in that range (as src/cost/profile.ts). */
export const DEFAULT_S3_GET_LATENCY: LatencyPrior = { medianMs: 20, p90Ms: 60 };
/** A PUT is acknowledged after a durable write, so slower than a GET (assumption, as src/cost/profile.ts). */
export const DEFAULT_S3_PUT_LATENCY: LatencyPrior = { medianMs: 30, p90Ms: 80 };
/** DESIGN.md §6: ElastiCache Redis GET p50 ~0.4 ms in-AZ; the p90 (1 ms) is an assumption. */
export const DEFAULT_REDIS_LATENCY: LatencyPrior = { medianMs: 0.4, p90Ms: 1 };
/**
 * The embedded backend's in-process store: a map lookup plus a copy between threads. Assumed, not
 * measured: 0.05 ms median, 0.2 ms p90, 1,000 MB/s (memcpy-class, well under memory bandwidth).
 */
export const DEFAULT_MEMORY_LATENCY: LatencyPrior = { medianMs: 0.05, p90Ms: 0.2 };
export const DEFAULT_MEMORY_MEGABYTES_PER_SECOND = 1000;

/** DESIGN.md §6: Node cold start ~250 ms (p90 ~600 ms) for a small bundle. */
export const DEFAULT_COLD_START: LatencyPrior = { medianMs: 250, p90Ms: 600 };
/** DESIGN.md §6: warm invoke ~25 ms; the p90 (50 ms) is an assumption (as src/cost/profile.ts). */
export const DEFAULT_WARM_START: LatencyPrior = { medianMs: 25, p90Ms: 50 };

export const PREDICTION_DEFAULTS: PredictionDefaults = Object.freeze({
  execMs: DEFAULT_EXEC_MS,
  sourceOutputBytes: DEFAULT_SOURCE_OUTPUT_BYTES,
  outputBytesPerInputByte: DEFAULT_OUTPUT_BYTES_PER_INPUT_BYTE,
  transfers: Object.freeze({
    s3: Object.freeze({
      get: { latency: DEFAULT_S3_GET_LATENCY, megabytesPerSecond: DEFAULT_FUNCTION_MEGABYTES_PER_SECOND },
      put: { latency: DEFAULT_S3_PUT_LATENCY, megabytesPerSecond: DEFAULT_FUNCTION_MEGABYTES_PER_SECOND },
    }),
    // The function's own network limits a Redis transfer as it does an S3 one (the simulator's
    // assumption too); only the request latency differs.
    redis: Object.freeze({
      get: { latency: DEFAULT_REDIS_LATENCY, megabytesPerSecond: DEFAULT_FUNCTION_MEGABYTES_PER_SECOND },
      put: { latency: DEFAULT_REDIS_LATENCY, megabytesPerSecond: DEFAULT_FUNCTION_MEGABYTES_PER_SECOND },
    }),
    memory: Object.freeze({
      get: { latency: DEFAULT_MEMORY_LATENCY, megabytesPerSecond: DEFAULT_MEMORY_MEGABYTES_PER_SECOND },
      put: { latency: DEFAULT_MEMORY_LATENCY, megabytesPerSecond: DEFAULT_MEMORY_MEGABYTES_PER_SECOND },
    }),
  }),
  coldStart: DEFAULT_COLD_START,
  warmStart: DEFAULT_WARM_START,
});
