import { loadOpRegistry } from '../ops/load-op-modules.js';
import type { OpRegistry } from '../ops/registry.js';

/** What every API call accepts to know user ops: op module paths (relative to `cwd`). */
export interface OpsOption {
  /** User op modules (`./my-ops.js`, absolute paths): default export `defineOp(...)` or a list. */
  readonly ops?: readonly string[];
  /** The directory relative paths start from (default: the working directory). */
  readonly cwd?: string;
}

/** The registry of built-ins plus the user modules named; bad modules throw BadInputError. */
export async function loadOps(options: OpsOption = {}): Promise<{ registry: OpRegistry; modulePaths: string[] }> {
  return loadOpRegistry(options.ops ?? [], options.cwd === undefined ? {} : { cwd: options.cwd });
}
