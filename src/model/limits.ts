/**
 * Limits enforced with clear errors, in one place (README "Limits" lists them).
 */

/** Tasks in one DAG: a million is what the simulator is built for; beyond it is refused. */
export const MAX_TASKS_PER_DAG = 1_000_000;

/**
 * Bytes one task may output: 2^31 - 1, the largest buffer the Arrow codec writes (apache-arrow:
 * "Cannot write arrays larger than 2^31 - 1"). An S3 object can hold 5 TB and a Redis string
 * 512 MB, but an executor holds its outputs in memory (Lambda: at most 10,240 MB) and the codec
 * writes one buffer per output. Sizes a DAG states (synthetic.work `outputBytes`, `hints`) are
 * checked against it at validation, so a too-large output is refused before anything runs.
 */
export const MAX_OUTPUT_BYTES_PER_TASK = 2 ** 31 - 1;

/**
 * The longest timer Node keeps: a longer setTimeout fires after 1 ms instead (TimeoutOverflowWarning),
 * so a longer task timeout would fail every async op at once. Task timeouts are checked against it
 * (CLI --task-timeout, the library's taskTimeoutMs).
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Lambda's async invocation payload limit (the emulator enforces it; inline budgets stay far below). */
export const LAMBDA_ASYNC_PAYLOAD_BYTES = 1024 * 1024;

/**
 * How long a planner may take before the run is refused (`--plan-timeout`): heft plans a
 * 100,000-task DAG in seconds, so a minute means the planner is stuck, not slow.
 */
export const DEFAULT_PLAN_TIMEOUT_MS = 60_000;

/**
 * Bounds on measured and hinted figures (metadata records, DAG `hints`): a task or transfer that
 * took longer than a day, or moved more than a tebibyte, is no measurement of this system
 * (Lambda stops at 15 minutes and 10,240 MB). Larger values are refused, so no sum of them over
 * a million tasks can reach Infinity; a stored record out of range is skipped and counted.
 */
export const MAX_RECORDED_DURATION_MS = 24 * 60 * 60 * 1000;
export const MAX_RECORDED_BYTES = 2 ** 40;
/** A worker's memory (MB) and vCPUs in a record: far above any Lambda tier or machine here. */
export const MAX_RECORDED_MEMORY_MB = 1024 * 1024;
export const MAX_RECORDED_VCPU = 1024;

/**
 * Invoke API calls one caller keeps in flight at once: the driver's pool (src/runtime/run-backend.ts,
 * `wukong submit`) and the simulator's client; more wait for a free slot.
 */
export const DEFAULT_INVOKE_CONCURRENCY = 64;
