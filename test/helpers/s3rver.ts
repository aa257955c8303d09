import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/cli/free-port.js';

export interface S3rverHandle {
  /** e.g. http://127.0.0.1:41234; use path-style addressing (s3rver has no DNS for vhost buckets). */
  readonly endpoint: string;
  /** A bucket that exists when this resolves. */
  readonly bucket: string;
  /** The only keys s3rver accepts (it checks signatures). */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 15_000;

/**
 * Runs in the child: starts s3rver with the options in argv, says "ready", and exits when the
 * parent goes away (its stdin closes), so a crashed test run leaves no server behind.
 */
const LAUNCHER = `
const S3rver = require(process.argv[1]);
const options = JSON.parse(process.argv[2]);
new S3rver(options).run().then(
  () => process.stdout.write('ready\\n'),
  (error) => { console.error(error); process.exit(1); },
);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

/**
 * A real S3 API (s3rver 3) on a free port, in a child process, storing objects in a fresh temp
 * directory that `stop()` removes. Silent.
 *
 * Why a child process: s3rver makes ListObjectsV2 continuation tokens with the DES cipher, which
 * OpenSSL 3 (Node >= 17) only offers through its legacy provider; without
 * `--openssl-legacy-provider` every listing of more than 1,000 keys fails with a 500. It also
 * keeps the server's work off the event loop of the test that drives it.
 */
export async function startS3rver(bucket = 'wukong-test'): Promise<S3rverHandle> {
  const s3rverEntry = createRequire(import.meta.url).resolve('s3rver');
  const directory = await mkdtemp(join(tmpdir(), 'wukong-s3rver-'));
  const port = await freePort();
  const options = { address: '127.0.0.1', port, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] };
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', LAUNCHER, s3rverEntry, JSON.stringify(options)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-4000);
  });

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`s3rver did not start within ${START_TIMEOUT_MS} ms: ${stderr}`)), START_TIMEOUT_MS);
      child.stdout.setEncoding('utf8').on('data', (text: string) => {
        if (text.includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`s3rver exited with code ${code} before it was ready: ${stderr}`));
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    await rm(directory, { recursive: true, force: true });
    throw error;
  }

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(directory, { recursive: true, force: true });
    })();
    return stopped;
  };

  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    stop,
  };
}
