// Bundles the two entry points whose start-up the user waits for, with esbuild, after tsc (run by
// `npm run build`):
//   dist/src/cli/bundle/main.cjs                  the CLI (bin/wukong.js), from dist/src/cli/main.js
//   dist/src/runtime/embedded/bundle/worker.cjs   an embedded executor thread, from worker-main.js
// Node then reads and compiles one file instead of resolving about a thousand modules (ours, zod,
// Arrow, commander) one by one; a thread's start-up is what `wukong submit` waits for before a run.
// Each bundle is one function expression, run through vm.Script with a V8 code cache beside it
// (src/bundle/run-bundle.cts): compiling the bundle was most of what was left of the start, and on
// Node 20 only a vm.Script takes a code cache, which means a script, not an ES module. So the
// modules are bundled as CommonJS, without code splitting: a module imported on demand (each
// command, each store adapter) is still evaluated only when imported, from the same file. The
// clients of other stores and backends (ioredis, the AWS SDK), the native table engine and esbuild
// stay outside, loaded from node_modules only by a run that uses them: with require() where our
// modules import them statically, and where they import them dynamically (or import a computed
// URL) through the loader's own import(), passed in as __wukongImport, since a vm.Script's import()
// needs an experimental flag on Node 20 and fails once its code comes from a cache.
// Each bundled module keeps its own import.meta.url (that of its file in dist/), so the files it
// reads beside itself (Lua scripts, gemm.wasm, package.json, the thread entry) are found as before.
// The unbundled dist/ stays the package's API and the fallback: bin/wukong.js and the thread pool
// use the unbundled modules when user op modules are loaded, since those import `wukong` itself,
// which must be the same module instances the CLI and the threads use.
// Last, the build runs `wukong submit` on an example once, which writes the code caches of the CLI's
// `submit` and of the executor thread.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, transform } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
// Compiled by tsc before this script runs; the runner reads the line back.
const { bundleHashLine } = createRequire(import.meta.url)('../dist/src/bundle/code-cache-file.cjs');
const EXTERNAL = ['@aws-sdk/*', '@smithy/*', 'ioredis', '@duckdb/*', 'esbuild', 'pino', 'pino-*', 'playwright-core', 's3rver', 'aws-cdk-lib', 'constructs'];

/** The parameters of the function each bundle is (src/bundle/run-bundle.cts passes them in). */
const WRAPPER_START = '(function (require, __wukongImport, __wukongBundleUrl) {';
const WRAPPER_END = '})';

/**
 * In each module of dist/: replaces import.meta.url by the URL of that module's own file, and
 * import() of anything but a relative path (a package outside the bundle, a computed URL) by
 * __wukongImport(). A relative import() stays, for esbuild to bundle as a module evaluated on demand.
 */
function ownModuleUrlsAndImports(outdir) {
  return {
    name: 'own-module-urls-and-imports',
    setup(plugin) {
      plugin.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, async ({ path }) => {
        const text = (await readFile(path, 'utf8')).replace(/\bimport\((?!\s*['"]\.\.?\/)/g, '__wukongImport(');
        if (!text.includes('import.meta')) return { contents: text, loader: 'js' };
        const { code } = await transform(text, { define: { 'import.meta.url': '__wukongModuleUrl' }, format: 'esm', loader: 'js' });
        const own = `const __wukongModuleUrl = new URL(${JSON.stringify(relative(outdir, path).split('\\').join('/'))}, __wukongBundleUrl).href;\n`;
        return { contents: own + code, loader: 'js' };
      });
    },
  };
}

/**
 * How a bundle keeps the names of its functions and classes (error classes, ours and ioredis's,
 * name themselves after their constructor). `mangled`: identifiers are minified and esbuild's
 * keepNames restores each name at run time, by a call that redefines the name of every function
 * as it is made. `kept`: identifiers are not minified, so names need no restoring; the executor
 * thread's bundle is built so, as those calls cost a thread about 15 % of its time on a tree of
 * no-op tasks (bench/overhead.ts; BENCHMARKS.md). A name esbuild had to rename (a clash between
 * modules: `NotFoundError2`) would then be wrong: the build fails on one that names an error.
 */
const NAMES = { mangled: { minifyIdentifiers: true, keepNames: true }, kept: { minifyIdentifiers: false, keepNames: false } };

async function bundle(entry, name, outdirFromRoot, names) {
  const outdir = join(root, outdirFromRoot);
  const outfile = join(outdir, `${name}.cjs`);
  const result = await build({
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'iife',
    target: 'node20',
    // Smaller files parse faster. WUKONG_BUNDLE_MINIFY=0 keeps names and lines readable, for CPU profiles.
    minifyWhitespace: process.env.WUKONG_BUNDLE_MINIFY !== '0',
    minifySyntax: process.env.WUKONG_BUNDLE_MINIFY !== '0',
    minifyIdentifiers: process.env.WUKONG_BUNDLE_MINIFY !== '0' && NAMES[names].minifyIdentifiers,
    keepNames: NAMES[names].keepNames,
    external: EXTERNAL,
    metafile: true,
    logLevel: 'warning',
    banner: { js: WRAPPER_START },
    footer: { js: WRAPPER_END },
    plugins: [ownModuleUrlsAndImports(outdir)],
  });
  // An import() left in the bundle would fail at run time (see above): fail the build instead.
  // (esbuild itself warns of an import.meta it cannot keep in CommonJS.)
  const text = await readFile(outfile, 'utf8');
  if (/\bimport\(/.test(text)) throw new Error(`build-bundles: ${outfile} still contains import(); bundle or route it through __wukongImport`);
  const renamedError = names === 'kept' ? /\b\w+Error\d+\b/.exec(text) : null;
  if (renamedError) throw new Error(`build-bundles: ${outfile} renames an error class (${renamedError[0]}), whose name would then be wrong without keepNames; rename the class in its source`);
  // The bundle's hash, as its last line: its code cache must be of this build (src/bundle/code-cache-file.cts).
  await appendFile(outfile, bundleHashLine(createHash('sha256').update(text).digest('hex')));
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  process.stdout.write(`build-bundles: ${entry} -> ${outdirFromRoot}/${name}.cjs (${Object.keys(result.metafile.inputs).length} modules, ${(bytes / 1024).toFixed(0)} KiB)\n`);
}

/**
 * Runs the bundled CLI once on an example, so that it and its executor threads write their code
 * caches now, with the functions a run compiles, rather than on the user's first run (or never, in
 * an install the user cannot write to). A failure here costs only that: the build goes on.
 */
function writeCodeCaches() {
  const run = spawnSync(process.execPath, [join(root, 'bin/wukong.js'), 'submit', join(root, 'workloads/examples/gemm-2x2.json'), '--json', '--no-metadata', '--workers', '1'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (run.status === 0) process.stdout.write('build-bundles: code caches written by one run of workloads/examples/gemm-2x2.json\n');
  else process.stdout.write(`build-bundles: warning: the run that writes the code caches failed (they will be written on first use): ${run.stderr || run.error}\n`);
}

await rm(join(root, 'dist/src/cli/bundle'), { recursive: true, force: true });
await rm(join(root, 'dist/src/runtime/embedded/bundle'), { recursive: true, force: true });
await bundle('dist/src/cli/main.js', 'main', 'dist/src/cli/bundle', 'mangled');
await bundle('dist/src/runtime/embedded/worker-main.js', 'worker', 'dist/src/runtime/embedded/bundle', 'kept');
writeCodeCaches();
