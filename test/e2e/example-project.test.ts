import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeValue } from '../../src/data/codec.js';
import { LambdaEmulator } from '../../src/emulator/lambda-emulator.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { startS3rver, type S3rverHandle } from '../helpers/s3rver.js';

/**
 * The example user project (examples/timeseries) as a user gets it: wukong packed with `npm pack`,
 * the tarball installed into a fresh directory with the example, then run embedded and on the
 * Lambda emulator (real redis-server and s3rver), through the installed `wukong` binary and the
 * bundle `wukong bundle` built there. About 50 s (npm install from the cache, an esbuild bundle).
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const MINUTES = 60_000;

let project: string;
let work: string;

/** The installed CLI, run in the project directory. */
async function wukong(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(project, 'node_modules/wukong/bin/wukong.js'), ...args], { cwd: project, env: { ...process.env, ...env }, timeout: 2 * MINUTES });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** What dag.json computes, by hand: identity(8) -> averaged in pairs of rows -> rolling mean over 2. */
function expectedSmooth(): number[] {
  const n = 8;
  const identity = Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => (r === c ? 1 : 0)));
  const resampled = Array.from({ length: n / 2 }, (_, r) => identity[2 * r]!.map((x, c) => (x + identity[2 * r + 1]![c]!) / 2));
  return resampled.flatMap((row, r) => row.map((x, c) => (r === 0 ? x : (x + resampled[r - 1]![c]!) / 2)));
}

function readMatrix(file: string): number[] {
  const value = decodeValue(new Uint8Array(readFileSync(file)));
  if (value.kind !== 'matrix') throw new Error(`${file}: a ${value.kind}, not a matrix`);
  return [...value.data];
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'wk-example-'));
  // dist/ is fresh (pretest builds it); prepack would build it again, so skip the scripts here.
  const packed = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, timeout: 2 * MINUTES });
  const tarball = join(work, packed.stdout.trim().split('\n').pop() as string);
  project = join(work, 'project');
  cpSync(join(ROOT, 'examples/timeseries'), project, { recursive: true });
  const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies?: Record<string, string> };
  pkg.dependencies.wukong = `file:${tarball}`;
  // `wukong bundle` needs esbuild in the user's project; the same version wukong builds with.
  pkg.devDependencies = { esbuild: (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies.esbuild as string };
  writeFileSync(join(project, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, timeout: 5 * MINUTES });
}, 8 * MINUTES);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the example project, installed from the packed tarball', () => {
  it('ships no tests, and `import("wukong")` gives submit and defineOp', async () => {
    const installed = join(project, 'node_modules/wukong');
    expect(readdirSync(installed).sort()).not.toContain('test');
    expect(readdirSync(join(installed, 'dist'))).not.toContain('test');
    const { stdout } = await run(process.execPath, ['-e', "import('wukong').then(m => console.log(typeof m.submit, typeof m.defineOp))"], { cwd: project });
    expect(stdout.trim()).toBe('function function');
  });

  it('lists, validates and runs the user ops embedded (config file), also under the custom planner', async () => {
    const ops = await wukong(['ops', '--json']);
    expect(ops.code, ops.stderr).toBe(0);
    const names = (JSON.parse(ops.stdout) as { name: string }[]).map((op) => op.name);
    expect(names).toEqual(expect.arrayContaining(['timeseries.resample', 'timeseries.rolling-mean', 'matrix.matmul']));
    const embedded = await wukong(['submit', 'dag.json', '--output-dir', 'out-embedded', '--workers', '2', '--no-metadata']);
    expect(embedded.code, embedded.stderr).toBe(0);
    expect(readMatrix(join(project, 'out-embedded/smooth.arrow'))).toEqual(expectedSmooth());
    const planned = await wukong(['submit', 'dag.json', '--planner', './planner.js', '--output-dir', 'out-planned', '--workers', '2', '--no-metadata', '--json']);
    expect(planned.code, planned.stderr).toBe(0);
    expect(JSON.parse(planned.stdout)).toMatchObject({ ok: true, planner: 'one-worker' });
    expect(readMatrix(join(project, 'out-planned/smooth.arrow'))).toEqual(expectedSmooth());
  });

  it('bundles the ops with ms into dist-lambda/ and runs them on the emulator with Redis and s3rver', async () => {
    const bundled = await wukong(['bundle']);
    expect(bundled.code, bundled.stderr).toBe(0);
    expect(bundled.stdout).toMatch(/user ops: timeseries\.resample, timeseries\.rolling-mean/);
    let redis: RedisServerHandle | undefined;
    let s3: S3rverHandle | undefined;
    let emulator: LambdaEmulator | undefined;
    try {
      [redis, s3] = await Promise.all([startRedisServer(), startS3rver()]);
      const functionsByTier = { '1769': 'example-executor-1769' };
      emulator = await LambdaEmulator.start({
        functions: [
          {
            name: functionsByTier['1769'],
            bundlePath: join(project, 'dist-lambda/handler.mjs'),
            handlerExport: 'handler',
            memoryMb: 1769,
            timeoutSeconds: 60,
            environment: {
              WUKONG_REDIS_URL: redis.url,
              WUKONG_S3_BUCKET: s3.bucket,
              WUKONG_FUNCTIONS_BY_TIER: JSON.stringify(functionsByTier),
              WUKONG_MEMORY_MB: '1769',
              AWS_ENDPOINT_URL_S3: s3.endpoint,
              AWS_ENDPOINT_URL_LAMBDA: '{emulatorUrl}',
              AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
              AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
              WUKONG_LOG_LEVEL: 'warn',
            },
          },
        ],
        accountConcurrency: 8,
        asyncRetryDelaysMs: [50, 50],
        baseEnvironment: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      });
      const config = { version: 1, region: 'us-east-1', functionsByTier, bucket: s3.bucket, redisUrl: redis.url, endpoints: { lambda: emulator.url, s3: s3.endpoint } };
      writeFileSync(join(project, 'lambda.json'), JSON.stringify(config));
      const onLambda = await wukong(['submit', 'dag.json', '--backend', 'lambda', '--lambda-config', 'lambda.json', '--output-dir', 'out-lambda', '--no-metadata', '--json'], {
        AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      });
      expect(onLambda.code, onLambda.stderr).toBe(0);
      expect(JSON.parse(onLambda.stdout)).toMatchObject({ ok: true, backend: 'lambda' });
      expect(readMatrix(join(project, 'out-lambda/smooth.arrow'))).toEqual(expectedSmooth());
    } finally {
      await emulator?.stop();
      await Promise.all([redis?.stop(), s3?.stop()]);
    }
  });
});
