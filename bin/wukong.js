#!/usr/bin/env node
// The CLI is compiled to dist/ by `npm ci` (the prepare script). Keep this shim tiny: it decides
// only what to load.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const args = process.argv.slice(2);
// `wukong --version` alone answers from package.json, without loading the CLI at all.
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  // The bundled CLI (scripts/build-bundles.mjs) starts faster: one script, compiled with the V8
  // code cache kept beside it (dist/src/bundle/run-bundle.cjs). User op modules (--ops, --config,
  // ./wukong.config.json) import `wukong` itself, i.e. the unbundled modules, so with them the CLI
  // runs those same modules, as op registries and values must not come from two copies.
  const userOps = args.some((arg) => /^--(ops|config)(=|$)/.test(arg)) || existsSync('wukong.config.json');
  const bundle = new URL('../dist/src/cli/bundle/main.cjs', import.meta.url);
  const bundled = !userOps && existsSync(bundle);
  // `submit` starts its executor threads now, to load while the CLI does (a small module). Only
  // a head start: should it fail (a dist/ built before it existed), the run starts its own.
  if (bundled && args[0] === 'submit') {
    try {
      const { startSubmitThreadsEarly } = await import('../dist/src/cli/submit-threads-early.js');
      startSubmitThreadsEarly(args);
    } catch {
      // the thread pool starts its threads itself
    }
  }
  // The bundle runner is CommonJS: require() loads it without the ES module loader's round trips.
  // Each command has a code cache of its own, with the functions it runs (a name that is no
  // command, e.g. a typo or an option, uses the shared one).
  const command = /^[a-z][a-z-]*$/.test(args[0] ?? '') && existsSync(new URL(`../dist/src/cli/commands/${args[0]}.js`, import.meta.url)) ? args[0] : undefined;
  const loaded = bundled
    ? new Promise((resolve) => resolve(createRequire(import.meta.url)('../dist/src/bundle/run-bundle.cjs').runCodeCachedBundle(bundle, 'at-exit', command)))
    : import('../dist/src/cli/main.js');
  loaded.catch((err) => {
    if (err && (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND')) {
      process.stderr.write('wukong: build output missing; run `npm run build` (npm ci does this).\n');
      process.exit(1);
    }
    throw err;
  });
}
