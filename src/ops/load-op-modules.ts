import { BadInputError } from '../model/errors.js';
import type { OpRegistry } from './registry.js';
import { importUserModule } from './user-module.js';
import { buildOpRegistry, type UserOpModule } from './user-ops.js';

/**
 * Imports the user op modules at these paths (relative to `cwd`), in order, and builds the one
 * registry of built-ins plus their ops. Every failure is a BadInputError (exit 2): a module that
 * does not load (a syntax error with file:line), exports nothing usable, or defines an op twice.
 * The CLI, the embedded executor threads and the Lambda handler all load ops through here.
 */
export async function loadOpRegistry(paths: readonly string[], options: { readonly cwd?: string } = {}): Promise<{ registry: OpRegistry; modulePaths: string[] }> {
  const modules: UserOpModule[] = [];
  const seen = new Set<string>();
  for (const spec of paths) {
    const { module, path } = await importUserModule(spec, `op module ${spec}`, options);
    if (seen.has(path)) throw new BadInputError(`op module ${path} is named twice`);
    seen.add(path);
    modules.push({ path, module });
  }
  return { registry: buildOpRegistry(modules), modulePaths: modules.map((module) => module.path) };
}
