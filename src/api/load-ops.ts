import { BadInputError } from '../model/errors.js';
import { loadOpRegistry } from '../ops/load-op-modules.js';
import type { OpRegistry } from '../ops/registry.js';
import { optionsObject, shown } from './option-checks.js';

/** What every API call accepts to know user ops: op module paths (relative to `cwd`). */
export interface OpsOption {
  /** User op modules (`./my-ops.js`, absolute paths), one or a list: default export `defineOp(...)` or a list. */
  readonly ops?: string | readonly string[];
  /** The directory relative paths start from (default: the working directory). */
  readonly cwd?: string;
}

/** The registry of built-ins plus the user modules named; bad modules throw BadInputError. */
export async function loadOps(options: OpsOption = {}): Promise<{ registry: OpRegistry; modulePaths: string[] }> {
  const given = optionsObject(options, 'loadOps');
  if (given.cwd !== undefined && typeof given.cwd !== 'string') throw new BadInputError(`cwd must be a directory path, got ${shown(given.cwd)}`);
  return loadOpRegistry(opModulePaths(given.ops), given.cwd === undefined ? {} : { cwd: given.cwd });
}

/** One path or a list of them; a bare string is one module (not walked character by character). */
function opModulePaths(ops: unknown): readonly string[] {
  if (ops === undefined) return [];
  if (typeof ops === 'string') return [ops];
  if (Array.isArray(ops) && ops.every((path) => typeof path === 'string')) return ops;
  throw new BadInputError(`ops must be an op module path or a list of them, got ${shown(ops)}`);
}
