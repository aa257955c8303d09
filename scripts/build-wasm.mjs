// Assembles the WebAssembly kernels (src/**/*.wat, hand-written text format) into .wasm binaries
// with the `wabt` package: one copy next to the .wat source (read by tests that run the TypeScript
// directly; git-ignored) and one in dist/ next to the compiled loader. Run by `npm run build`.
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtFactory from 'wabt';

const root = fileURLToPath(new URL('..', import.meta.url));

function watFiles(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...watFiles(path));
    else if (name.endsWith('.wat')) found.push(path);
  }
  return found;
}

const wabt = await wabtFactory();
const sources = watFiles(join(root, 'src'));
if (sources.length === 0) throw new Error('build-wasm: no .wat sources under src/');
for (const source of sources) {
  const module = wabt.parseWat(source, readFileSync(source, 'utf8'), { simd: true });
  module.validate();
  const { buffer } = module.toBinary({});
  module.destroy();
  const wasmName = source.replace(/\.wat$/, '.wasm');
  for (const target of [wasmName, join(root, 'dist', relative(root, wasmName))]) {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, buffer);
  }
  process.stdout.write(`build-wasm: ${relative(root, source)} -> ${relative(root, wasmName)} (${buffer.length} bytes)\n`);
}
