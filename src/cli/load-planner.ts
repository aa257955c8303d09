import { access, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closestName } from '../dag/closest-name.js';
import { BadInputError } from '../model/errors.js';
import { BUILTIN_PLANNER_NAMES, BUILTIN_PLANNERS, WUKONG_PLANNER_NAME } from '../plan/builtin-planners.js';
import type { PlanningAlgorithm } from '../plan/planning-algorithm.js';

/** What `--planner` names: WUKONG's dynamic mode (no plan), or an algorithm that makes one. */
export type LoadedPlanner =
  | { readonly kind: 'wukong' }
  | { readonly kind: 'algorithm'; readonly algorithm: PlanningAlgorithm; readonly source: 'builtin' | 'file'; readonly path?: string };

const LOADABLE_EXTENSIONS = new Set(['.js', '.mjs', '.ts', '.mts']);

/**
 * Resolves `--planner`: a built-in by name, or a module by explicit local path (`./x.js`,
 * `../x.mjs`, `/abs/x.ts`) whose default export implements PlanningAlgorithm. Only a path loads
 * code: a bare name never reaches the module resolver, so `--planner lodash` cannot run a package.
 * `.ts` / `.mts` are transpiled with esbuild's `transform` (types stripped, no type check) into a
 * temporary `.mjs` beside the source, so the planner's relative imports still resolve, and that
 * file is removed at once. esbuild is imported only then (a devDependency: an install without it
 * gets a clear error for `.ts` planners; `.js` ones need nothing).
 */
export async function loadPlanner(spec: string, options: { readonly cwd?: string } = {}): Promise<LoadedPlanner> {
  const name = spec.trim();
  if (name === WUKONG_PLANNER_NAME) return { kind: 'wukong' };
  const builtin = Object.hasOwn(BUILTIN_PLANNERS, name) ? BUILTIN_PLANNERS[name] : undefined;
  if (builtin) return { kind: 'algorithm', algorithm: builtin, source: 'builtin' };
  if (!isExplicitPath(name)) {
    const close = closestName(name, BUILTIN_PLANNER_NAMES);
    const hint = LOADABLE_EXTENSIONS.has(extname(name)) ? `; to load a file, give a path: ./${name}` : close ? `; did you mean "${close}"?` : '';
    throw new BadInputError(`unknown planner "${name}": built-in planners are ${BUILTIN_PLANNER_NAMES.join(', ')}${hint}`);
  }
  const path = resolve(options.cwd ?? process.cwd(), name);
  const extension = extname(path);
  if (!LOADABLE_EXTENSIONS.has(extension)) throw new BadInputError(`planner ${name}: a planner module must end in .js, .mjs, .ts or .mts`);
  try {
    await access(path);
  } catch {
    throw new BadInputError(`planner ${name}: no such file (${path})`);
  }
  const module = extension === '.ts' || extension === '.mts' ? await importTypeScript(path, name) : await importModule(pathToFileURL(path).href, name);
  return { kind: 'algorithm', algorithm: checkAlgorithm(module, name), source: 'file', path };
}

function isExplicitPath(name: string): boolean {
  return name.startsWith('./') || name.startsWith('../') || name.startsWith('.\\') || name.startsWith('..\\') || isAbsolute(name);
}

async function importModule(url: string, name: string): Promise<unknown> {
  try {
    return (await import(url)) as unknown;
  } catch (error) {
    throw new BadInputError(`planner ${name} failed to load: ${(error as Error).message}`, { cause: error });
  }
}

async function importTypeScript(path: string, name: string): Promise<unknown> {
  let transform: (code: string, options: Record<string, unknown>) => Promise<{ code: string }>;
  try {
    ({ transform } = (await import('esbuild')) as unknown as { transform: typeof transform });
  } catch (error) {
    throw new BadInputError(`planner ${name}: loading a .ts planner needs esbuild (npm install esbuild), or compile it to .js first`, { cause: error });
  }
  let code: string;
  try {
    ({ code } = await transform(await readFile(path, 'utf8'), { loader: 'ts', format: 'esm', target: 'node20', sourcefile: path }));
  } catch (error) {
    throw new BadInputError(`planner ${name} does not compile: ${(error as Error).message}`, { cause: error });
  }
  const compiled = join(dirname(path), `.${basename(path, extname(path))}.wukong-${process.pid}-${Date.now()}.mjs`);
  try {
    await writeFile(compiled, code);
  } catch (error) {
    throw new BadInputError(`planner ${name}: cannot write its compiled form next to it (${compiled}): ${(error as Error).message}`, { cause: error });
  }
  try {
    return await importModule(pathToFileURL(compiled).href, name);
  } finally {
    await rm(compiled, { force: true });
  }
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
