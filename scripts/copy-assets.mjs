// Copies non-TypeScript assets (the Redis adapters' Lua scripts) next to the compiled modules in
// dist/, where they are read relative to the module (`new URL('./lua/x.lua', import.meta.url)`).
// Run after tsc by `npm run build`.
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const ASSET_SUFFIXES = ['.lua'];

function copyAssets(dir) {
  let copied = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) copied += copyAssets(path);
    else if (ASSET_SUFFIXES.some((suffix) => name.endsWith(suffix))) {
      cpSync(path, join(root, 'dist', relative(root, path)));
      copied += 1;
    }
  }
  return copied;
}
const copied = copyAssets(join(root, 'src'));
if (copied === 0) throw new Error('copy-assets: no assets found under src/ (expected the Redis Lua scripts)');
