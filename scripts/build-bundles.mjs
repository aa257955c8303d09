// Bundles the two entry points whose start-up the user waits for, with esbuild, after tsc (run by
// `npm run build`):
//   dist/src/cli/bundle/main.mjs              the CLI (bin/wukong.js), from dist/src/cli/main.js
//   dist/src/runtime/embedded/bundle/worker.mjs   an embedded executor thread, from worker-main.js
// Node then reads and compiles a few files instead of resolving about a thousand modules (ours,
// zod, Arrow, commander) one by one; a thread's start-up is what `wukong submit` waits for before a
// run. Code splitting keeps each command and each store adapter in a chunk of its own, imported on
// demand as before; the clients of other stores and backends (ioredis, the AWS SDK), the native
// table engine and esbuild stay outside, loaded from node_modules only by a run that uses them.
// Each bundled module keeps its own import.meta.url (that of its file in dist/), so the files it
// reads beside itself (Lua scripts, gemm.wasm, package.json, the thread entry) are found as before.
// The unbundled dist/ stays the package's API and the fallback: bin/wukong.js and the thread pool
// use the unbundled modules when user op modules are loaded, since those import `wukong` itself,
// which must be the same module instances the CLI and the threads use.
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, transform } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const EXTERNAL = ['@aws-sdk/*', '@smithy/*', 'ioredis', '@duckdb/*', 'esbuild', 'pino', 'pino-*', 'playwright-core', 's3rver', 'aws-cdk-lib', 'constructs'];

/** Replaces import.meta.url in each bundled module of dist/ by the URL of that module's own file. */
function ownModuleUrls(outdir) {
  return {
    name: 'own-module-urls',
    setup(plugin) {
      plugin.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, async ({ path }) => {
        const text = await readFile(path, 'utf8');
        if (!text.includes('import.meta')) return { contents: text, loader: 'js' };
        const { code } = await transform(text, { define: { 'import.meta.url': '__wukongModuleUrl' }, format: 'esm', loader: 'js' });
        const own = `const __wukongModuleUrl = new URL(${JSON.stringify(relative(outdir, path).split('\\').join('/'))}, import.meta.url).href;\n`;
        return { contents: own + code, loader: 'js' };
      });
    },
  };
}

async function bundle(entry, name, outdirFromRoot) {
  const outdir = join(root, outdirFromRoot);
  const result = await build({
    entryPoints: { [name]: join(root, entry) },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Smaller files parse faster; error classes name themselves after their constructor (WukongError).
    minify: true,
    keepNames: true,
    external: EXTERNAL,
    metafile: true,
    logLevel: 'warning',
    // CommonJS dependencies call require() for Node built-ins; an ES module has none.
    banner: { js: "import { createRequire as __wukongCreateRequire } from 'node:module'; const require = __wukongCreateRequire(import.meta.url);" },
    plugins: [ownModuleUrls(outdir)],
  });
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  process.stdout.write(`build-bundles: ${entry} -> ${outdirFromRoot}/${name}.mjs (${Object.keys(result.metafile.inputs).length} modules, ${Object.keys(result.metafile.outputs).length} files, ${(bytes / 1024).toFixed(0)} KiB)\n`);
}

const { rm } = await import('node:fs/promises');
await rm(join(root, 'dist/src/cli/bundle'), { recursive: true, force: true });
await rm(join(root, 'dist/src/runtime/embedded/bundle'), { recursive: true, force: true });
await bundle('dist/src/cli/main.js', 'main', 'dist/src/cli/bundle');
await bundle('dist/src/runtime/embedded/worker-main.js', 'worker', 'dist/src/runtime/embedded/bundle');
