import { BadInputError } from '../model/errors.js';
import { BUILTIN_OPS } from './builtins.js';
import type { OpDefinition } from './op-definition.js';
import { OpRegistry } from './registry.js';

/** A user op's name: a namespace and a name, dot-separated (`myproj.clean`, `acme.io.read`). */
const USER_OP_NAME = /^[a-z][a-z0-9_-]*(\.[A-Za-z][A-Za-z0-9_-]*)+$/;

/** Namespaces of the built-ins: a user op may not live in them (nor shadow a built-in). */
const RESERVED_NAMESPACES: ReadonlySet<string> = new Set([...BUILTIN_OPS.map((op) => op.name.split('.')[0] as string), 'table', 'wukong']);

/** One loaded user op module: where it came from and its default export, as imported. */
export interface UserOpModule {
  readonly path: string;
  readonly module: unknown;
}

/**
 * The ops a module's default export defines (one op, or a list of them), each checked for the
 * fields `defineOp` gives it, and tagged with the module's path. Anything else is a BadInputError
 * that says what the module should export.
 */
export function opsOfModule({ path, module }: UserOpModule): OpDefinition[] {
  const exported = (module as { default?: unknown }).default;
  const usage = "export default defineOp({ name: 'myproj.op', description, args, arity, outputs, run }) (or a list of them)";
  if (exported === undefined) throw new BadInputError(`op module ${path} exports nothing usable: no default export; ${usage}`);
  const list = Array.isArray(exported) ? (exported as unknown[]) : [exported];
  if (list.length === 0) throw new BadInputError(`op module ${path} exports nothing usable: an empty list; ${usage}`);
  return list.map((candidate, index) => {
    const where = Array.isArray(exported) ? `${path} (default export [${index}])` : path;
    const problem = opProblem(candidate);
    if (problem) throw new BadInputError(`op module ${where} exports nothing usable: ${problem}; ${usage}`);
    return Object.freeze({ ...(candidate as OpDefinition), source: path });
  });
}

function opProblem(candidate: unknown): string | undefined {
  if (typeof candidate !== 'object' || candidate === null) return `the export is a ${candidate === null ? 'null' : typeof candidate}, not an op`;
  const op = candidate as Partial<Record<keyof OpDefinition, unknown>>;
  if (typeof op.name !== 'string') return 'the op has no "name" string';
  if (typeof op.run !== 'function') return `op ${op.name} has no "run" function`;
  if (typeof (op.args as { safeParse?: unknown } | undefined)?.safeParse !== 'function') return `op ${op.name}: "args" is not a zod schema`;
  const arity = op.arity as { min?: unknown; max?: unknown } | undefined;
  if (typeof arity?.min !== 'number' || typeof arity.max !== 'number' || arity.min < 0 || arity.max < arity.min) return `op ${op.name}: "arity" must be { min, max } with 0 <= min <= max`;
  if (!Number.isInteger(op.outputs) || (op.outputs as number) < 1) return `op ${op.name}: "outputs" must be a whole number of at least 1`;
  if (typeof op.description !== 'string') return `op ${op.name} has no "description" string`;
  return undefined;
}

/**
 * THE place an op registry is made: the built-ins plus the ops of the given user modules. A user
 * op must be namespaced (`myproj.clean`), may not use a built-in namespace, and may be defined
 * once; each violation is a BadInputError (exit 2) naming the files involved.
 */
export function buildOpRegistry(modules: readonly UserOpModule[] = []): OpRegistry {
  const registry = new OpRegistry(BUILTIN_OPS);
  for (const module of modules) {
    for (const op of opsOfModule(module)) {
      if (!USER_OP_NAME.test(op.name)) throw new BadInputError(`op module ${module.path}: op name "${op.name}" must be namespaced, like myproj.${op.name.replace(/[^A-Za-z0-9_-]/g, '') || 'clean'}`);
      const namespace = op.name.split('.')[0] as string;
      if (RESERVED_NAMESPACES.has(namespace)) throw new BadInputError(`op module ${module.path}: op ${op.name} is in the built-in namespace "${namespace}."; user ops may not shadow built-ins, pick your own namespace`);
      const existing = registry.lookup(op.name);
      if (existing) throw new BadInputError(`op ${op.name} is defined twice: in ${existing.source ?? 'the built-ins'} and in ${module.path}`);
      registry.register(op);
    }
  }
  return registry;
}
