// Bundles the executor function (lambda/handler) into one ES module for Lambda and the local
// emulator: dist-lambda/handler.mjs (handler "handler.handler"), its source map, gemm.wasm, and the Redis
// adapter's Lua scripts in dist-lambda/lua/. The same code as `wukong bundle` (src/cli/bundle-lambda.ts),
// which also bundles user op modules (--ops); this script bundles the built-ins only. Needs `npm run build`.
//
//   node scripts/bundle-lambda.mjs [--outdir DIR] [--no-minify]
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const index = args.indexOf('--outdir');
if (index >= 0 && (args[index + 1] === undefined || args[index + 1].startsWith('--'))) throw new Error('--outdir needs a value');
const outdir = resolve(index >= 0 ? args[index + 1] : join(root, 'dist-lambda'));
const { bundleLambda } = await import('../dist/src/cli/bundle-lambda.js');
const result = await bundleLambda({ outdir, opModules: [], minify: !args.includes('--no-minify') });
process.stdout.write(
  `bundled lambda/handler -> ${relative(process.cwd(), result.handlerPath) || 'handler.mjs'} ` +
    `(${(result.bundleBytes / 1024).toFixed(0)} KiB from ${result.modules} modules) + ${result.luaScripts} Lua scripts in lua/\n`,
);
