#!/usr/bin/env node
// The CLI is compiled to dist/ by `npm ci` (the prepare script). Keep this shim tiny.
import('../dist/src/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('wukong: build output missing; run `npm run build` (npm ci does this).\n');
    process.exit(1);
  }
  throw err;
});
