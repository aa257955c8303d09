import type { OpCost } from '../ops/op-definition.js';
import { KERNEL_NAMES, type KernelTable } from './kernel-rates.js';
import { shown } from '../model/shown.js';

/**
 * What a cost declaration may answer (OpDefinition.cost): undefined, or an object of the OpCost
 * fields with amounts of work that are finite and not negative. Anything else used to be priced
 * as if absent (a negative or NaN amount as 0, a misspelt field or kernel ignored), so a task
 * simulated at a made-up time while the summary said it came from the op's cost model.
 */

/** OpCost's amounts of work. */
const WORK_FIELDS = ['flops', 'bytesRead', 'bytesWritten', 'bytes', 'cpuMs', 'waitMs', 'sourceBytes'] as const satisfies readonly (keyof OpCost)[];
const FIELDS: ReadonlySet<string> = new Set<string>([...WORK_FIELDS, 'kernel']);

/**
 * Why `cost` cannot be priced under `table` (a sentence to follow "its cost function ..."), or
 * undefined when it is an OpCost every field of which means what it says. A kernel must be one the
 * built-in ops use (KERNEL_NAMES) or one the table names: any other is a typo that `default`
 * would price silently.
 */
export function opCostProblem(cost: unknown, table: KernelTable): string | undefined {
  const usage = 'an object such as { flops, bytesRead, bytesWritten, kernel }, or undefined when the work cannot be told';
  if (typeof cost !== 'object' || cost === null || Array.isArray(cost)) return `returned ${shown(cost)}; it must return ${usage}`;
  const fields = cost as Record<string, unknown>;
  const unknown = Object.keys(fields).find((key) => !FIELDS.has(key));
  if (unknown !== undefined) return `returned an unknown field "${unknown}"; the fields are ${[...FIELDS].join(', ')}`;
  for (const field of WORK_FIELDS) {
    const value = fields[field];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return `returned ${field}: ${shown(value)}; an amount of work must be a finite number >= 0`;
  }
  const kernel = fields.kernel;
  if (kernel === undefined) return undefined;
  if (typeof kernel !== 'string') return `returned kernel: ${shown(kernel)}; a kernel is a name (string)`;
  if (!(KERNEL_NAMES as readonly string[]).includes(kernel) && !Object.hasOwn(table.kernels, kernel)) {
    const known = [...new Set([...KERNEL_NAMES, ...Object.keys(table.kernels)])].join(', ');
    return `returned kernel "${kernel}", which is neither a built-in kernel nor one this profile's rate table names; use one of ${known} (or leave kernel out for the default rates)`;
  }
  return undefined;
}
