// Bundles the executor function (lambda/handler.ts) into one ES module for Lambda and the local
// emulator: dist-lambda/handler.mjs (handler "handler.handler"), its source map, gemm.wasm, and the Redis
// adapter's Lua scripts in dist-lambda/lua/, which the bundle reads next to itself at load time.
//
//   node scripts/bundle-lambda.mjs [--outdir DIR] [--no-minify]
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  if (index < 0) return fallback;
  const value = args[index + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`);
  return value;
};
const outdir = resolve(option('--outdir', join(root, 'dist-lambda')));
const luaSource = join(root, 'src/storage/redis/lua');

rmSync(outdir, { recursive: true, force: true });
mkdirSync(join(outdir, 'lua'), { recursive: true });

const result = await build({
  entryPoints: [join(root, 'lambda/handler.ts')],
  outfile: join(outdir, 'handler.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  // The deployed runtime is nodejs22.x; the emulator runs the same file on the local Node 20.
  target: 'node20',
  minify: !flag('--no-minify'),
  // Error classes name themselves after their constructor (WukongError); keep those names.
  keepNames: true,
  sourcemap: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  // CommonJS dependencies (ioredis) call require() for Node built-ins; an ES module has none.
  banner: { js: "import { createRequire as __wukongCreateRequire } from 'node:module'; const require = __wukongCreateRequire(import.meta.url);" },
});

// The WebAssembly GEMM (built from gemm.wat by scripts/build-wasm.mjs) is read next to the bundle.
const wasmSource = join(root, 'src/ops/matrix/kernels/wasm/gemm.wasm');
if (!existsSync(wasmSource)) throw new Error(`${relative(root, wasmSource)} is missing: run \`npm run build\` first`);
copyFileSync(wasmSource, join(outdir, 'gemm.wasm'));

const luaFiles = readdirSync(luaSource).filter((name) => name.endsWith('.lua'));
for (const name of luaFiles) copyFileSync(join(luaSource, name), join(outdir, 'lua', name));

const bundleBytes = statSync(join(outdir, 'handler.mjs')).size;
const inputs = Object.keys(result.metafile.inputs).length;
process.stdout.write(
  `bundled lambda/handler.ts -> ${relative(process.cwd(), join(outdir, 'handler.mjs')) || 'handler.mjs'} ` +
    `(${(bundleBytes / 1024).toFixed(0)} KiB from ${inputs} modules) + gemm.wasm + ${luaFiles.length} Lua scripts in lua/\n`,
);
