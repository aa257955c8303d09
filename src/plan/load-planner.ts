import { extname } from 'node:path';
import { closestName } from '../dag/closest-name.js';
import { BadInputError } from '../model/errors.js';
import { importUserModule, isExplicitPath, USER_MODULE_EXTENSIONS } from '../ops/user-module.js';
import { BUILTIN_PLANNER_NAMES, isBuiltinAlgorithmName, WUKONG_PLANNER_NAME } from './planner-names.js';
import type { PlanningAlgorithm } from './planning-algorithm.js';

/** What `--planner` names: WUKONG's dynamic mode (no plan), or an algorithm that makes one. */
export type LoadedPlanner =
  | { readonly kind: 'wukong' }
  | { readonly kind: 'algorithm'; readonly algorithm: PlanningAlgorithm; readonly source: 'builtin' | 'file'; readonly path?: string };

/**
 * Resolves `--planner`: a built-in by name, or a module by explicit local path (`./x.js`,
 * `../x.mjs`, `/abs/x.ts`) whose default export implements PlanningAlgorithm. Only a path loads
 * code: a bare name never reaches the module resolver, so `--planner lodash` cannot run a package.
 * Loading (and `.ts` through esbuild) is shared with op modules: ../ops/user-module.ts.
 */
export async function loadPlanner(spec: string, options: { readonly cwd?: string } = {}): Promise<LoadedPlanner> {
  const name = spec.trim();
  if (name === WUKONG_PLANNER_NAME) return { kind: 'wukong' };
  if (isBuiltinAlgorithmName(name)) {
    // Loaded when named: a WUKONG-mode command never loads the planners.
    const { BUILTIN_PLANNERS } = await import('./builtin-planners.js');
    return { kind: 'algorithm', algorithm: BUILTIN_PLANNERS[name] as PlanningAlgorithm, source: 'builtin' };
  }
  if (!isExplicitPath(name)) {
    const close = closestName(name, BUILTIN_PLANNER_NAMES);
    const hint = USER_MODULE_EXTENSIONS.has(extname(name)) ? `; to load a file, give a path: ./${name}` : close ? `; did you mean "${close}"?` : '';
    throw new BadInputError(`unknown planner "${name}": built-in planners are ${BUILTIN_PLANNER_NAMES.join(', ')}${hint}`);
  }
  const { module, path } = await importUserModule(name, `planner ${name}`, options);
  return { kind: 'algorithm', algorithm: checkAlgorithm(module, name), source: 'file', path };
}

/** The module's default export, checked to be a PlanningAlgorithm (a name and a plan function). */
function checkAlgorithm(module: unknown, name: string): PlanningAlgorithm {
  const exported = (module as { default?: unknown }).default;
  if (exported === undefined) throw new BadInputError(`planner ${name} has no default export: export default { name, plan(dag, metadata, sla, context) { ... } }`);
  if (typeof exported !== 'object' || exported === null) throw new BadInputError(`planner ${name}: the default export is a ${typeof exported}, not an object with name and plan`);
  const candidate = exported as { name?: unknown; plan?: unknown };
  if (typeof candidate.name !== 'string' || candidate.name.trim() === '') throw new BadInputError(`planner ${name}: the default export has no "name" string`);
  if (typeof candidate.plan !== 'function') throw new BadInputError(`planner ${name}: the default export has no "plan" function`);
  return exported as PlanningAlgorithm;
}
