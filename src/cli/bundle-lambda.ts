import { copyFile, cp, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BadInputError } from '../model/errors.js';
import { checkBundleOutputDir, emptyBundleOutputDir, markBundleOutputDir } from './bundle-output-dir.js';

export interface BundleOptions {
  /**
   * Where handler.mjs, its source map, gemm.wasm, lua/ and node_modules/ go: a missing or empty
   * directory, or a previous bundle's, which is emptied first (./bundle-output-dir.ts).
   */
  readonly outdir: string;
  /** User op modules (absolute paths) to bundle with their npm dependencies. */
  readonly opModules: readonly string[];
  readonly minify: boolean;
}

export interface BundleResult {
  readonly handlerPath: string;
  readonly bundleBytes: number;
  readonly modules: number;
  readonly luaScripts: number;
}

/**
 * Packages the bundle loads at run time instead of containing them: DuckDB's API, its bindings and
 * the prebuilt native library of this machine's platform (@duckdb/node-bindings-<os>-<arch>;
 * bundle on linux-x64 for x86_64 Lambdas, on linux-arm64 for arm64 ones).
 */
const NATIVE_PACKAGES = ['@duckdb/node-api', '@duckdb/node-bindings', `@duckdb/node-bindings-${process.platform}-${process.arch}`] as const;

/** The installed directories of the native packages; a missing one is bad input. */
function nativePackageDirs(): Map<string, string> {
  const require = createRequire(import.meta.url);
  const dirs = new Map<string, string>();
  for (const name of NATIVE_PACKAGES) {
    try {
      dirs.set(name, dirname(require.resolve(`${name}/package.json`)));
    } catch (error) {
      throw new BadInputError(`wukong bundle: ${name} is not installed (npm install); the table ops need it in the bundle`, { cause: error });
    }
  }
  return dirs;
}

/** The handler entry beside this module's tree: compiled JS in dist/, the TS source in a checkout. */
async function handlerEntry(): Promise<string> {
  for (const candidate of ['../../lambda/handler.js', '../../lambda/handler.ts']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (await stat(path).then(() => true, () => false)) return path;
  }
  throw new BadInputError('wukong bundle: the Lambda handler is missing from this install (lambda/handler.js)');
}

/**
 * Bundles the executor function (lambda/handler) with esbuild into one ES module for Lambda and the
 * local emulator: `handler.mjs` (handler "handler.handler"), its source map, and the Redis Lua
 * scripts in `lua/`. User op modules are bundled in by replacing lambda/user-op-modules with static
 * imports of them, so their npm dependencies ship too. esbuild is imported only here (a
 * devDependency of wukong; a user project installs it to bundle). Everything that can fail on bad
 * input (the directory, esbuild, the native packages, the build itself in memory) is done before
 * the directory is emptied, so a failed bundle leaves it as it was.
 */
export async function bundleLambda(options: BundleOptions): Promise<BundleResult> {
  await checkBundleOutputDir(options.outdir);
  let build: typeof import('esbuild').build;
  try {
    ({ build } = await import('esbuild'));
  } catch (error) {
    throw new BadInputError('wukong bundle needs esbuild: npm install --save-dev esbuild', { cause: error });
  }
  const entry = await handlerEntry();
  const luaSource = fileURLToPath(new URL('../storage/redis/lua/', import.meta.url));
  const nativeDirs = nativePackageDirs();
  const imports = options.opModules.map((path, i) => `import * as m${i} from ${JSON.stringify(path)};`).join('\n');
  const list = options.opModules.map((path, i) => `{ path: ${JSON.stringify(basename(path))}, module: m${i} }`).join(', ');
  let result;
  try {
    result = await build({
      entryPoints: [entry],
      outfile: join(options.outdir, 'handler.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      // The deployed runtime is nodejs22.x; the emulator runs the same file on the local Node 20.
      target: 'node20',
      minify: options.minify,
      // Error classes name themselves after their constructor (WukongError); keep those names.
      keepNames: true,
      // The table engine is a native library: its packages ship beside the bundle (below).
      external: [...NATIVE_PACKAGES],
      sourcemap: true,
      // Built in memory: written only once it has succeeded, into the emptied directory.
      write: false,
      legalComments: 'none',
      metafile: true,
      logLevel: 'silent',
      // CommonJS dependencies (ioredis) call require() for Node built-ins; an ES module has none.
      banner: { js: "import { createRequire as __wukongCreateRequire } from 'node:module'; const require = __wukongCreateRequire(import.meta.url);" },
      plugins: [
        {
          name: 'wukong-user-ops',
          setup(plugin) {
            plugin.onLoad({ filter: /[\\/]lambda[\\/]user-op-modules\.(ts|js)$/ }, () => ({
              contents: `${imports}\nexport const USER_OP_MODULES = [${list}];\n`,
              loader: 'js',
              resolveDir: process.cwd(),
            }));
          },
        },
      ],
    });
  } catch (error) {
    const first = (error as { errors?: { text?: string; location?: { file?: string; line?: number } | null }[] }).errors?.[0];
    const where = first?.location ? `${first.location.file}:${first.location.line}: ` : '';
    throw new BadInputError(`wukong bundle failed: ${where}${first?.text ?? (error as Error).message}`, { cause: error });
  }
  await emptyBundleOutputDir(options.outdir);
  await mkdir(join(options.outdir, 'lua'), { recursive: true });
  await markBundleOutputDir(options.outdir, options.opModules);
  await Promise.all(result.outputFiles.map((file) => writeFile(file.path, file.contents)));
  const luaFiles = (await readdir(luaSource)).filter((name) => name.endsWith('.lua'));
  await Promise.all(luaFiles.map((name) => copyFile(join(luaSource, name), join(options.outdir, 'lua', name))));
  // The WebAssembly GEMM kernel is read next to the module that loads it: in the bundle, handler.mjs.
  await copyFile(fileURLToPath(new URL('../ops/matrix/kernels/wasm/gemm.wasm', import.meta.url)), join(options.outdir, 'gemm.wasm'));
  // The table engine's native packages, where the handler's imports find them.
  for (const [name, dir] of nativeDirs) await cp(dir, join(options.outdir, 'node_modules', name), { recursive: true });
  const handlerPath = join(options.outdir, 'handler.mjs');
  return { handlerPath, bundleBytes: (await stat(handlerPath)).size, modules: Object.keys(result.metafile.inputs).length, luaScripts: luaFiles.length };
}
