import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { startS3rver, type S3rverHandle } from '../helpers/s3rver.js';

/**
 * Credentials never appear in what a run leaves behind: stdout, stderr, the run report and the
 * metadata files are searched for the Redis password (right and wrong) and the S3 secret key
 * (right and wrong), on success and on failure.
 */

interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function wukong(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(process.cwd(), 'bin/wukong.js'), ...args], { env: { ...process.env, WUKONG_DEBUG: '', ...env }, timeout: 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Every file under `dir` (recursively), as text. */
function filesUnder(dir: string): { path: string; text: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [{ path, text: readFileSync(path, 'utf8') }];
  });
}

/** The secret in none of: stdout, stderr, any file the run wrote under `dir`. */
function expectNowhere(secret: string, result: CliResult, dir: string): number {
  expect(result.stdout).not.toContain(secret);
  expect(result.stderr).not.toContain(secret);
  const files = filesUnder(dir);
  for (const file of files) expect(file.text, file.path).not.toContain(secret);
  return files.length;
}

const DAG = 'workloads/examples/diamond.json';

describe('credentials never logged (e2e)', () => {
  const password = `pw-${randomUUID()}`;
  let redis: RedisServerHandle;
  let s3: S3rverHandle;
  beforeAll(async () => {
    [redis, s3] = await Promise.all([startRedisServer(['--requirepass', password]), startS3rver()]);
  });
  afterAll(async () => {
    await Promise.all([redis?.stop(), s3?.stop()]);
  });

  const redisUrl = (secret: string) => `redis://:${encodeURIComponent(secret)}@127.0.0.1:${redis.port}`;

  it('a run with a Redis password succeeds and the password appears nowhere', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'wk-cred-'));
    // Act
    const run = await wukong(['submit', DAG, '--redis', redisUrl(password), '--report', join(dir, 'run.json'), '--metadata', join(dir, 'metadata')]);
    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^ok: diamond/);
    const files = expectNowhere(password, run, dir);
    expect(files).toBeGreaterThanOrEqual(2); // the report and at least one metadata file were searched
    expect(readFileSync(join(dir, 'run.json'), 'utf8')).toContain('"coordinator": "redis"');
  });

  it('a wrong Redis password fails with exit 1 naming the server, and neither password appears', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wk-cred-'));
    const wrong = `wrong-${randomUUID()}`;
    const run = await wukong(['submit', DAG, '--redis', redisUrl(wrong), '--report', join(dir, 'run.json'), '--metadata', join(dir, 'metadata')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`redis 127\\.0\\.0\\.1:${redis.port}: .*(WRONGPASS|invalid username-password)`));
    expect(run.stderr).not.toMatch(/^ {4}at /m);
    expectNowhere(wrong, run, dir);
    expectNowhere(password, run, dir);
  });

  it('S3 credentials from the environment appear nowhere, on success and on a signature failure', async () => {
    // Prepare: s3rver accepts only its own access key; a unique wrong key pair shows whether a
    // failing request's message or the report would carry the keys it was signed with.
    const dir = mkdtempSync(join(tmpdir(), 'wk-cred-'));
    const env = { AWS_ENDPOINT_URL_S3: s3.endpoint, AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey, AWS_REGION: 'us-east-1' };
    const wrongSecret = `secret-${randomUUID()}`;
    const wrongKeyId = `AKIA${randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()}`;
    // Act
    const good = await wukong(['submit', DAG, '--s3-bucket', s3.bucket, '--redis', redisUrl(password), '--report', join(dir, 'good.json'), '--metadata', join(dir, 'm1')], env);
    const badDir = mkdtempSync(join(tmpdir(), 'wk-cred-bad-'));
    const bad = await wukong(
      ['submit', DAG, '--s3-bucket', s3.bucket, '--redis', redisUrl(password), '--report', join(badDir, 'bad.json'), '--metadata', join(badDir, 'm2'), '--deadline', '60s'],
      { ...env, AWS_ACCESS_KEY_ID: wrongKeyId, AWS_SECRET_ACCESS_KEY: wrongSecret },
    );
    // Assess
    expect(good.code, good.stderr).toBe(0);
    expect(readFileSync(join(dir, 'good.json'), 'utf8')).toContain('"intermediate": "s3"');
    expectNowhere(s3.credentials.secretAccessKey, good, dir);
    expectNowhere(password, good, dir);
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stderr).toMatch(/s3:\/\/|InvalidAccessKeyId|signature/i);
    expect(bad.stderr).not.toMatch(/^ {4}at /m);
    expectNowhere(wrongSecret, bad, badDir);
    expectNowhere(password, bad, badDir);
  });
});
