import { access, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BadInputError } from '../model/errors.js';

/** The file types a user module (op module, planner) may have. */
export const USER_MODULE_EXTENSIONS: ReadonlySet<string> = new Set(['.js', '.mjs', '.ts', '.mts']);

/** `./x.js`, `../x.mjs`, `/abs/x.ts`: only such a path loads code; a bare name never does. */
export function isExplicitPath(name: string): boolean {
  return name.startsWith('./') || name.startsWith('../') || name.startsWith('.\\') || name.startsWith('..\\') || isAbsolute(name);
}

/**
 * Imports a user module (an op module, a planner) named by an explicit path, as `what` (e.g.
 * "planner ./p.js") in every error, each a BadInputError (exit 2). `.ts` / `.mts` are transpiled
 * with esbuild's `transform` (types stripped, no type check) into a temporary `.mjs` beside the
 * source, so its relative imports still resolve, and that file is removed at once. esbuild is
 * imported only then (a devDependency: an install without it gets a clear error for `.ts`
 * modules). A syntax error is reported with its file:line (Node's ESM loader gives neither).
 */
export async function importUserModule(spec: string, what: string, options: { readonly cwd?: string } = {}): Promise<{ readonly module: unknown; readonly path: string }> {
  const name = spec.trim();
  if (!isExplicitPath(name)) throw new BadInputError(`${what}: give a path (./${name}); only an explicit path loads code`);
  const path = resolve(options.cwd ?? process.cwd(), name);
  const extension = extname(path);
  if (!USER_MODULE_EXTENSIONS.has(extension)) throw new BadInputError(`${what}: a module must end in .js, .mjs, .ts or .mts`);
  try {
    await access(path);
  } catch {
    throw new BadInputError(`${what}: no such file (${path})`);
  }
  const module = extension === '.ts' || extension === '.mts' ? await importTypeScript(path, what) : await importModule(path, path, what);
  return { module, path };
}

async function importModule(path: string, source: string, what: string): Promise<unknown> {
  try {
    return (await import(pathToFileURL(path).href)) as unknown;
  } catch (error) {
    const where = error instanceof SyntaxError ? await syntaxErrorLocation(path, source) : undefined;
    throw new BadInputError(`${what} failed to load: ${where ? `${where}: ` : ''}${(error as Error).message}`, { cause: error });
  }
}

/**
 * `file:line` of the first syntax error in `path` (node --check), or undefined if it parses. A
 * `.js` file outside a `"type": "module"` package is checked as CommonJS, where an ES module's
 * error may go unseen (README's layout: `my-ops.js` beside no package.json): then it is checked
 * again as an ES module, from standard input.
 */
async function syntaxErrorLocation(path: string, source: string): Promise<string | undefined> {
  // Imported here, as randomUUID below: every executor thread loads this module, and needs neither.
  const { execFile } = await import('node:child_process');
  const lineOf = (args: string[], input?: string) =>
    new Promise<string | undefined>((done) => {
      const child = execFile(process.execPath, args, { timeout: 10_000 }, (error, _stdout, stderr) => {
        if (!error) return done(undefined);
        done(/^(.*):(\d+)\s*$/m.exec(stderr)?.[2]);
      });
      if (input !== undefined) child.stdin?.end(input);
    });
  const line = (await lineOf(['--check', path])) ?? (path.endsWith('.js') ? await lineOf(['--input-type=module', '--check'], await readFile(path, 'utf8')) : undefined);
  return line === undefined ? undefined : `${source}:${line}`;
}

async function importTypeScript(path: string, what: string): Promise<unknown> {
  let transform: (code: string, options: Record<string, unknown>) => Promise<{ code: string }>;
  try {
    ({ transform } = (await import('esbuild')) as unknown as { transform: typeof transform });
  } catch (error) {
    throw new BadInputError(`${what}: loading a .ts module needs esbuild (npm install esbuild), or compile it to .js first`, { cause: error });
  }
  let code: string;
  try {
    ({ code } = await transform(await readFile(path, 'utf8'), { loader: 'ts', format: 'esm', target: 'node20', sourcefile: path, sourcemap: 'inline' }));
  } catch (error) {
    const location = (error as { errors?: { location?: { line?: number } }[] }).errors?.[0]?.location;
    const where = location?.line === undefined ? '' : `${path}:${location.line}: `;
    throw new BadInputError(`${what} does not compile: ${where}${(error as Error).message}`, { cause: error });
  }
  // The compiled file is removed at once: frames of the user's errors must name the .ts file and
  // its lines, which Node gives from the inline source map only with source maps on (this thread).
  process.setSourceMapsEnabled(true);
  const { randomUUID } = await import('node:crypto');
  const compiled = join(dirname(path), `.${basename(path, extname(path))}.wukong-${process.pid}-${randomUUID().slice(0, 8)}.mjs`);
  try {
    await writeFile(compiled, code);
  } catch (error) {
    throw new BadInputError(`${what}: cannot write its compiled form next to it (${compiled}): ${(error as Error).message}`, { cause: error });
  }
  try {
    return await importModule(compiled, path, what);
  } finally {
    await rm(compiled, { force: true });
  }
}

/** The path of a `file:` URL, or the text unchanged. */
export function pathOfUrl(text: string): string {
  return text.startsWith('file:') ? fileURLToPath(text) : text;
}
