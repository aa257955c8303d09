// `npm test`'s first step (pretest): the suite needs two programs from the system, redis-server
// (integration tests start their own on free ports) and Chromium (the HTML report's browser test).
// When one is missing it stops at once, printing the exact command that installs it, instead of
// failing minutes later inside a test.
//
//   node scripts/check-test-system.mjs      (exit 0: all there; 1: something missing)
//   WUKONG_CHROMIUM=/path/to/chromium overrides where Chromium is looked for.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const executable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};
const onPath = (name) => (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && executable(join(dir, name)));

const chromium = process.env.WUKONG_CHROMIUM ?? '/usr/bin/chromium';
const missing = [];
if (!onPath('redis-server')) missing.push({ what: 'redis-server (not on PATH)', pkg: 'redis-server' });
if (!executable(chromium)) missing.push({ what: `Chromium (${chromium})`, pkg: 'chromium' });

if (missing.length > 0) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  process.stderr.write(
    [
      `npm test needs ${missing.map((m) => m.what).join(' and ')}. On Debian/Ubuntu, install with:`,
      '',
      `  ${root ? '' : 'sudo '}apt-get update && ${root ? '' : 'sudo '}apt-get install -y ${missing.map((m) => m.pkg).join(' ')}`,
      '',
      '(.ci/run does this on CI.) Then run npm test again.',
      '',
    ].join('\n'),
  );
  process.exit(1);
}
