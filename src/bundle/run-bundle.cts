import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { bundleHash, readCodeCache, writeCodeCache } from './code-cache-file.cjs';

/**
 * What a bundle of scripts/build-bundles.mjs evaluates to: a function of the `require` its modules
 * call for Node built-ins and packages left outside the bundle, the import() they call for packages
 * they import on demand and for computed URLs, and the bundle's own URL (each module's
 * import.meta.url is made from it).
 */
type BundleFunction = (require: NodeRequire, importModule: (specifier: string) => Promise<unknown>, bundleUrl: string) => void;

/**
 * When a missing or stale code cache is written: `at-exit` when the process exits (the CLI: the
 * cache then holds every function the command ran), `after-start` once the bundle's synchronous
 * start is done (an executor thread, which is ended by its pool, not by exiting).
 */
export type CodeCacheWrite = 'at-exit' | 'after-start';

/**
 * What became of the code cache: `used` (V8 took it), `none` (no cache file, one made from
 * another build, or a script without the build's hash line), `rejected` (V8 did not take it:
 * corrupt, or made by another Node or under other V8 flags). The last two compile the whole bundle
 * and write a new cache (when `CodeCacheWrite` says).
 */
export type CodeCacheUse = 'used' | 'none' | 'rejected';

/**
 * Compiles and runs a bundle of scripts/build-bundles.mjs with the V8 code cache kept beside it
 * (`<bundle>.v8cache`, or `<bundle>.<variant>.v8cache`): with it V8 skips parsing and compiling
 * what the cache holds, most of what starting the CLI or an executor thread cost (Node 20 has no
 * module compile cache; a vm.Script is what takes one). A missing cache, one V8 rejects (another
 * Node or V8 flags) or one of another build is written anew; a cache that cannot be read or written
 * only costs that compile. A cache is written only then, so it holds the functions of the run that
 * wrote it: `variant` keeps one per CLI command (`submit` runs other code than `validate`).
 */
export function runCodeCachedBundle(bundle: URL, write: CodeCacheWrite, variant?: string): CodeCacheUse {
  const path = fileURLToPath(bundle);
  const source = readFileSync(path, 'utf8');
  const cachePath = variant === undefined ? `${path}.v8cache` : `${path}.${variant}.v8cache`;
  // A script without the build's hash line runs without a cache (none could be told apart).
  const hash = bundleHash(source);
  const cached = hash === undefined ? undefined : readCodeCache(cachePath, hash);
  const script = new Script(source, { filename: path, ...(cached ? { cachedData: cached } : {}) });
  const use: CodeCacheUse = cached === undefined ? 'none' : script.cachedDataRejected === true ? 'rejected' : 'used';
  if (hash !== undefined && use !== 'used') {
    // Made when the functions the run compiled are in, so that the cache holds them too.
    const save = () => void writeCodeCache(cachePath, hash, () => script.createCachedData());
    if (write === 'at-exit') process.once('exit', save);
    else setTimeout(save, 0).unref();
  }
  const run = script.runInThisContext() as BundleFunction;
  run(createRequire(path), importModule, bundle.href);
  return use;
}

/**
 * import() as a module of dist/ calls it: packages resolve from node_modules as they do for dist/.
 * (This module is CommonJS, loaded with require() by bin/wukong.js and the thread entry, so that
 * neither goes through Node's ES module loader for it; TypeScript keeps import() in a .cts file.)
 */
function importModule(specifier: string): Promise<unknown> {
  return import(specifier);
}
