import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const check = (env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, ['scripts/check-test-system.mjs'], { encoding: 'utf8', env: { ...process.env, ...env } });

describe('npm test on a fresh machine (pretest check)', () => {
  it('is the first step of npm test', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.pretest).toMatch(/^node scripts\/check-test-system\.mjs && /);
  });

  it('stops at once naming the exact install command when redis-server and Chromium are missing', () => {
    const run = check({ PATH: '/nonexistent', WUKONG_CHROMIUM: '/nonexistent/chromium' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/apt-get install -y redis-server chromium/);
  });

  it('names only what is missing', () => {
    const run = check({ WUKONG_CHROMIUM: '/nonexistent/chromium' });
    // This machine runs the suite, so it has redis-server on PATH.
    expect(run.stderr).toMatch(/apt-get install -y chromium\n/);
    expect(run.stderr).not.toMatch(/redis-server/);
  });

  it('passes on a machine that has both (this one: the suite needs them)', () => {
    expect(check({}).status).toBe(0);
  });
});
